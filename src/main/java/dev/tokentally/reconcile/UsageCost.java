package dev.tokentally.reconcile;

import dev.tokentally.models.ModelRegistry;
import dev.tokentally.models.ModelSpec;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Prices a normalised usage with a model's registry rates: every token in exactly one bucket, at
 * that bucket's own rate. Above the long-context threshold (the whole prompt, cache included) every
 * token takes the long-context rates; a batch result takes the batch rates. A bucket with tokens
 * and no rate makes the cost unknown, with the reason, rather than zero.
 */
public final class UsageCost {
  private UsageCost() {}

  /**
   * Prices a response with the rates of the model it names (else {@code requestModel}) in force on
   * {@code day}. A name that resolves only as a variant of a registered model ({@code -preview},
   * {@code -exp}, ...) is not priced as that model: previews have had other prices.
   */
  public static Cost of(
      ActualUsage usage,
      String requestModel,
      ModelRegistry registry,
      LocalDate day,
      boolean batch) {
    String model = usage.model() != null ? usage.model() : requestModel;
    if (model == null) {
      return Cost.unknown("neither the response nor the request names a model");
    }
    Optional<ModelSpec> spec = registry.find(model);
    if (spec.isEmpty()) {
      return Cost.unknown("model " + model + " is not in the registry");
    }
    if (spec.get().variant() != null) {
      return Cost.unknown(
          "model " + model + " is a variant of " + spec.get().id() + ", whose prices may differ");
    }
    return of(usage, spec.get().priceOn(day).orElse(null), batch);
  }

  public static Cost of(ActualUsage usage, ModelSpec.Price price, boolean batch) {
    if (price == null) {
      return Cost.unknown("no price for the model on that date");
    }
    boolean longContext =
        price.longContextAbove() != null && usage.promptInput() > price.longContextAbove();
    ModelSpec.Rates rates;
    String tier;
    if (batch) {
      if (longContext) {
        return Cost.unknown("no batch rates above the long-context threshold in the registry");
      }
      rates = price.batch();
      tier = "batch";
    } else if (longContext) {
      rates = price.longContext();
      tier = "long-context";
    } else {
      rates = price.standard();
      tier = "standard";
    }
    if (rates == null) {
      return Cost.unknown("no " + tier + " rates for the model");
    }
    Map<String, Double> buckets = new LinkedHashMap<>();
    // Gemini's tool-use prompt tokens are input: peers bill them at the input rate, and the
    // vendor's total counts them with the prompt.
    String missing =
        add(buckets, "input", usage.uncachedInput() + usage.toolUsePrompt(), rates.input(), tier)
            + add(buckets, "cache_read", usage.cacheRead(), rates.cacheRead(), tier)
            + add(buckets, "cache_write_5m", usage.cacheWrite5m(), rates.cacheWrite5m(), tier)
            + add(buckets, "cache_write_1h", usage.cacheWrite1h(), rates.cacheWrite1h(), tier)
            + add(buckets, "output", usage.output(), rates.output(), tier);
    for (Map.Entry<String, Long> tool : usage.serverToolRequests().entrySet()) {
      if (tool.getValue() == 0) {
        continue;
      }
      Double each = price.perRequest().get(tool.getKey());
      if (each == null) {
        missing += "no price per " + tool.getKey() + "; ";
      } else {
        buckets.put(tool.getKey(), tool.getValue() * each);
      }
    }
    if (!missing.isEmpty()) {
      return Cost.unknown(missing.substring(0, missing.length() - 2));
    }
    double usd = buckets.values().stream().mapToDouble(Double::doubleValue).sum();
    return new Cost(usd, null, buckets);
  }

  /** Adds the bucket's cost, or returns why it has none; empty when there is nothing to price. */
  private static String add(
      Map<String, Double> buckets, String bucket, long tokens, Double usdPerMillion, String tier) {
    if (tokens == 0) {
      return "";
    }
    if (usdPerMillion == null) {
      return "no " + tier + " " + bucket + " rate; ";
    }
    buckets.put(bucket, tokens * usdPerMillion / 1e6);
    return "";
  }
}
