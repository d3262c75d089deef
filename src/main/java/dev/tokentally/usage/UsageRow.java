package dev.tokentally.usage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One total read from a usage store.
 *
 * @param windowStart epoch millis, or null for all-time totals
 * @param windowEnd epoch millis, or null for all-time totals
 */
public record UsageRow(
    UsageDimension dimension,
    String key,
    String window,
    Long windowStart,
    Long windowEnd,
    UsageTotals totals) {

  /**
   * The same JSON as a record on the usage topics. {@code final} says whether the window has closed
   * (its end plus grace is in the past of {@code nowMs}); all-time totals are never final.
   */
  public ObjectNode toJson(long nowMs, long graceMs) {
    boolean closed = windowEnd != null && windowEnd + graceMs <= nowMs;
    return UsageRecords.value(dimension, key, window, windowStart, windowEnd, totals, closed);
  }
}
