package dev.tokentally.usage;

/**
 * Usage of one key in one window, combined over the requests one input task saw since its last
 * flush. One of these crosses the usage repartition instead of one event per request.
 *
 * @param window a window label ({@code 1m}, {@code 1h}) or {@link UsageRecords#ALL_TIME}
 * @param windowStart the window's start, or -1 for all-time
 * @param timestamp the latest record timestamp combined into it; the partial carries it through the
 *     repartition, so windowing and grace downstream see the time of the requests
 */
public record UsagePartial(
    UsageDimension dimension,
    String key,
    String window,
    long windowStart,
    UsageTotals totals,
    long timestamp) {

  public UsagePartial plus(UsageEvent event, long eventTimestamp) {
    return new UsagePartial(
        dimension,
        key,
        window,
        windowStart,
        totals.add(event),
        Math.max(timestamp, eventTimestamp));
  }

  /** This partial's usage as another dimension's key, for deriving coarser partials. */
  public UsagePartial as(UsageDimension other, String otherKey) {
    return new UsagePartial(other, otherKey, window, windowStart, totals, timestamp);
  }

  /** The sum of two partials of the same dimension, key and window. */
  public UsagePartial plus(UsagePartial other) {
    return new UsagePartial(
        dimension,
        key,
        window,
        windowStart,
        totals.plus(other.totals),
        Math.max(timestamp, other.timestamp));
  }
}
