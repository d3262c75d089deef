package dev.tokentally.counting;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The input tokens of one request, with how they were obtained and where they came from.
 *
 * @param total the number the vendor's count endpoint would answer
 * @param method how trustworthy {@code total} is
 * @param breakdown tokens per part (system, messages, tools, images, documents, audio, video,
 *     thinking, overhead); sums to {@code total}
 * @param notes why a count is weaker than the model's best method, one line per reason
 */
public record TokenCount(
    int total, CountMethod method, Map<String, Integer> breakdown, List<String> notes) {
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
}
