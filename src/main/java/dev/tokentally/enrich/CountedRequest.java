package dev.tokentally.enrich;

import dev.tokentally.limits.Spend;
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
 * @param countErrorPct the count's error bar in percent, NaN when it has none
 * @param family the model's counting family, for grouping estimate errors
 * @param costUsd estimated input cost, or NaN when the model has no price for the date
 * @param uncorrectedTokens the registered model's count: {@code inputTokens} before a live
 *     correction, what calibration learns from
 * @param textTokens the part of {@code uncorrectedTokens} that came from text terms (unrounded)
 * @param reservation what the request takes from budgets at gating: its estimate, plus {@code
 *     max_tokens} (or the model's output limit) at the output rate, for budgets that count output
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
    double countErrorPct,
    String family,
    double costUsd,
    long uncorrectedTokens,
    double textTokens,
    Spend reservation,
    byte[] enriched,
    byte[] payload) {

  /** The usage this request adds when accepted. */
  public UsageEvent acceptedUsage() {
    return UsageEvent.accepted(model, name, inputTokens, Double.isNaN(costUsd) ? 0 : costUsd);
  }
}
