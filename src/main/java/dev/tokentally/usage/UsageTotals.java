package dev.tokentally.usage;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Usage summed over a key and a window.
 *
 * @param requests accepted requests
 * @param inputTokens their input tokens
 * @param costUsd their estimated input cost (requests without a price add nothing)
 * @param rejected rejected requests by error code
 * @param actual what the vendors billed, from reconciliation
 */
public record UsageTotals(
    long requests,
    long inputTokens,
    double costUsd,
    Map<String, Long> rejected,
    ActualTotals actual) {
  public static final UsageTotals EMPTY = new UsageTotals(0, 0, 0, Map.of(), ActualTotals.EMPTY);

  public UsageTotals(long requests, long inputTokens, double costUsd, Map<String, Long> rejected) {
    this(requests, inputTokens, costUsd, rejected, ActualTotals.EMPTY);
  }

  public UsageTotals {
    // Map.copyOf returns an immutable map as it is, so an accepted request (nine updates each)
    // does not copy the rejection counts it leaves unchanged.
    rejected = Map.copyOf(rejected);
  }

  public UsageTotals add(UsageEvent event) {
    if (event.actual() != null) {
      return new UsageTotals(requests, inputTokens, costUsd, rejected, actual.plus(event.actual()));
    }
    if (event.rejected() == null) {
      return new UsageTotals(
          requests + 1,
          inputTokens + event.inputTokens(),
          costUsd + event.costUsd(),
          rejected,
          actual);
    }
    Map<String, Long> more = new HashMap<>(rejected);
    more.merge(event.rejected().code(), 1L, Long::sum);
    return new UsageTotals(requests, inputTokens, costUsd, more, actual);
  }

  /** The sum of two totals, as windows and all-time add up the partials of their requests. */
  public UsageTotals plus(UsageTotals other) {
    if (other.rejected.isEmpty()
        && other.requests == 0
        && other.inputTokens == 0
        && other.actual.isEmpty()) {
      return this;
    }
    Map<String, Long> more = rejected;
    if (!other.rejected.isEmpty()) {
      more = new HashMap<>(rejected);
      for (Map.Entry<String, Long> e : other.rejected.entrySet()) {
        more.merge(e.getKey(), e.getValue(), Long::sum);
      }
    }
    return new UsageTotals(
        requests + other.requests,
        inputTokens + other.inputTokens,
        costUsd + other.costUsd,
        more,
        actual.plus(other.actual));
  }

  /** Rejections by code in code order, for output that must not depend on hash order. */
  public Map<String, Long> rejectedByCode() {
    return rejected.size() < 2 ? rejected : new TreeMap<>(rejected);
  }

  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }
}
