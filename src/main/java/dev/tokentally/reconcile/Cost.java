package dev.tokentally.reconcile;

import java.util.Map;

/**
 * What a response cost, by bucket, or why it cannot be priced.
 *
 * @param usd the total, or null when a bucket with tokens has no known rate (never 0 for unknown)
 * @param reason why {@code usd} is null, else null
 * @param byBucket USD per bucket that had tokens ({@code input}, {@code cache_read}, ...)
 */
public record Cost(Double usd, String reason, Map<String, Double> byBucket) {
  public Cost {
    byBucket = Map.copyOf(byBucket);
  }

  /** Nothing billed. */
  static Cost zero() {
    return new Cost(0.0, null, Map.of());
  }

  static Cost unknown(String reason) {
    return new Cost(null, reason, Map.of());
  }
}
