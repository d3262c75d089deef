package dev.tokentally.enrich;

import dev.tokentally.request.SourcePosition;
import dev.tokentally.usage.UsageEvent;

/**
 * A request that passed every per-request gate, on its way to the budget check. It crosses a
 * repartition topic (budgets are kept per function name), so it carries everything the check needs
 * to write either outcome without the original record: the enriched value if accepted, and the
 * original key and (credential-free) payload for a dead letter if not.
 *
 * @param key the input record's key, restored on output
 * @param vendor the model's vendor ({@code anthropic}, {@code gemini})
 * @param name the function name, or null
 * @param countMethod how {@code inputTokens} was counted (wire form of the count method)
 * @param family the model's counting family, for grouping estimate errors
 * @param costUsd estimated input cost, or NaN when the model has no price for the date
 * @param enriched the enriched record value
 * @param payload the input value with credentials blanked, for a {@code budget_exceeded} dead
 *     letter
 */
public record CountedRequest(
    byte[] key,
    SourcePosition source,
    String model,
    String modelRequested,
    String vendor,
    String name,
    String spanId,
    long inputTokens,
    String countMethod,
    String family,
    double costUsd,
    byte[] enriched,
    byte[] payload) {

  /** The usage this request adds when accepted. */
  public UsageEvent acceptedUsage() {
    return UsageEvent.accepted(model, name, inputTokens, Double.isNaN(costUsd) ? 0 : costUsd);
  }
}
