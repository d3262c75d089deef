package dev.tokentally.usage;

/**
 * What the vendors billed, summed: the reconciliation side of a usage total.
 *
 * @param reconciled requests joined with their response
 * @param noResponse requests whose response never came within the join window
 * @param orphans responses without a request
 * @param inputTokens billed prompt input tokens, cached and uncached
 * @param cacheReadTokens the part of {@code inputTokens} read from a cache
 * @param outputTokens billed output tokens, thinking included
 * @param costUsd actual cost of the responses that could be priced
 * @param unpriced responses whose cost is unknown (no rate, no usage); not in {@code costUsd}
 */
public record ActualTotals(
    long reconciled,
    long noResponse,
    long orphans,
    long inputTokens,
    long cacheReadTokens,
    long outputTokens,
    double costUsd,
    long unpriced) {
  public static final ActualTotals EMPTY = new ActualTotals(0, 0, 0, 0, 0, 0, 0, 0);

  public boolean isEmpty() {
    return equals(EMPTY);
  }

  public ActualTotals plus(ActualTotals o) {
    if (o.isEmpty()) {
      return this;
    }
    return new ActualTotals(
        reconciled + o.reconciled,
        noResponse + o.noResponse,
        orphans + o.orphans,
        inputTokens + o.inputTokens,
        cacheReadTokens + o.cacheReadTokens,
        outputTokens + o.outputTokens,
        costUsd + o.costUsd,
        unpriced + o.unpriced);
  }
}
