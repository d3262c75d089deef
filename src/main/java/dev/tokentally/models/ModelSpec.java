package dev.tokentally.models;

import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One model as the registry knows it.
 *
 * @param id canonical id, written to enriched records
 * @param vendor {@code anthropic} or {@code gemini}
 * @param family name of the counting family
 * @param rules how the family counts
 * @param contextWindow input + output tokens the model accepts
 * @param maxOutput most output tokens per request
 * @param toolPrompt Anthropic's hidden tool-use system prompt, or null for Gemini
 * @param keepsPriorThinking whether thinking blocks of earlier assistant turns count
 * @param prices rates with the dates they apply from
 * @param estimate whether the model was unknown and counted with a fallback family
 * @param variant the name the request used when it resolved to this model as a variant of it
 *     (dated, {@code -exp}, {@code -preview}, ... suffixes), else null
 */
public record ModelSpec(
    String id,
    String vendor,
    String family,
    CountingRules rules,
    long contextWindow,
    long maxOutput,
    ToolPrompt toolPrompt,
    boolean keepsPriorThinking,
    List<Price> prices,
    boolean estimate,
    String variant) {
  public ModelSpec {
    prices = prices.stream().sorted(Comparator.comparing(Price::from)).toList();
  }

  /** Tokens of the hidden tool-use system prompt, per tool_choice column. */
  public record ToolPrompt(int auto, int any) {}

  /**
   * A model's rates from a date on. Every bucket has its own explicit rate, never a multiple of
   * another: vendors have priced cache reads at 0.1x input for most models and 0.025x for one.
   *
   * @param standard the rates of a normal request
   * @param longContextAbove prompt size (cache included) above which {@code longContext} applies to
   *     every token of the request, or null
   * @param longContext the rates above that size, or null
   * @param batch the rates of a batch request, or null when unknown
   * @param perRequest USD per server-tool request by kind ({@code web_search_requests}); a kind
   *     missing here has no known price
   */
  public record Price(
      LocalDate from,
      Rates standard,
      Long longContextAbove,
      Rates longContext,
      Rates batch,
      Map<String, Double> perRequest) {
    public Price {
      perRequest = Map.copyOf(perRequest);
    }

    /** Input only, as the estimate needs. */
    public Price(LocalDate from, double inputUsdPerMillion) {
      this(from, new Rates(inputUsdPerMillion, null, null, null, null), null, null, null, Map.of());
    }

    public double inputUsdPerMillion() {
      return standard.input();
    }
  }

  /** USD per million tokens of each bucket; null where the registry knows no rate. */
  public record Rates(
      Double input, Double output, Double cacheRead, Double cacheWrite5m, Double cacheWrite1h) {}

  /** The price in force on {@code date}, if the registry knows one. */
  public Optional<Price> priceOn(LocalDate date) {
    Price current = null;
    for (Price price : prices) {
      if (!price.from().isAfter(date)) {
        current = price;
      }
    }
    return Optional.ofNullable(current);
  }

  ModelSpec asEstimateFor(String requestedId) {
    return with(requestedId, List.of(), true, null);
  }

  ModelSpec asVariant(String requestedId) {
    return with(id, prices, estimate, requestedId);
  }

  private ModelSpec with(String id, List<Price> prices, boolean estimate, String variant) {
    return new ModelSpec(
        id,
        vendor,
        family,
        rules,
        contextWindow,
        maxOutput,
        toolPrompt,
        keepsPriorThinking,
        prices,
        estimate,
        variant);
  }
}
