package dev.tokentally.counting;

import dev.tokentally.models.ContentKind;
import dev.tokentally.models.CountMethod;
import dev.tokentally.models.Term;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input tokens of one request, with how they were obtained and where they came from.
 *
 * @param total the number the vendor's count endpoint would answer
 * @param method how trustworthy {@code total} is
 * @param kind what the request holds, which selects its error bar
 * @param errorPct expected absolute error of {@code total} in percent (the cross-validated 95th
 *     percentile for the family and kind); 0 for exact counts; null when no recording bounds it
 * @param breakdown tokens per part (system, messages, tools, images, documents, audio, video,
 *     thinking, overhead); sums to {@code total}
 * @param notes why a count is weaker than the model's best method, one line per reason
 * @param terms the quantities {@code total} was built from, for refitting the coefficients
 * @param textTokens how many of the registered model's tokens (unrounded) came from text terms of a
 *     calibrated text model: what a live correction scales and learns from; 0 for families whose
 *     text is counted with the vendor's own vocabulary
 * @param correction the live correction applied, or null
 */
public record TokenCount(
    int total,
    CountMethod method,
    ContentKind kind,
    Double errorPct,
    Map<String, Integer> breakdown,
    List<String> notes,
    Terms terms,
    double textTokens,
    TextCorrection.Applied correction) {
  public TokenCount {
    if (total < 0) {
      throw new IllegalArgumentException("token count must not be negative: " + total);
    }
    int sum = breakdown.values().stream().mapToInt(Integer::intValue).sum();
    if (sum != total) {
      throw new IllegalArgumentException("breakdown sums to " + sum + ", total is " + total);
    }
    breakdown = Collections.unmodifiableMap(new LinkedHashMap<>(breakdown));
    notes = List.copyOf(notes);
  }

  /**
   * @param quantities units of each term, summed over the request's parts
   * @param fixed tokens known without a coefficient (image patches, media, tool prompt)
   */
  public record Terms(Map<Term, Double> quantities, long fixed) {
    public Terms {
      EnumMap<Term, Double> copy = new EnumMap<>(Term.class);
      copy.putAll(quantities);
      quantities = Collections.unmodifiableMap(copy);
    }
  }
}
