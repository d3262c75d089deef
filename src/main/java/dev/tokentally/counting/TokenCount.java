package dev.tokentally.counting;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The input tokens of one request, with how they were obtained and where they came from.
 *
 * @param total the number the vendor's count endpoint would answer
 * @param method how trustworthy {@code total} is
 * @param breakdown tokens per part (system, messages, overhead, ...); sums to {@code total}
 */
public record TokenCount(int total, CountMethod method, Map<String, Integer> breakdown) {
  public TokenCount {
    if (total < 0) {
      throw new IllegalArgumentException("token count must not be negative: " + total);
    }
    int sum = breakdown.values().stream().mapToInt(Integer::intValue).sum();
    if (sum != total) {
      throw new IllegalArgumentException("breakdown sums to " + sum + ", total is " + total);
    }
    breakdown = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(breakdown));
  }
}
