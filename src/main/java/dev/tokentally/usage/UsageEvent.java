package dev.tokentally.usage;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.request.RequestHeaders;

/**
 * One input record's contribution to the usage aggregates: an accepted request with its tokens and
 * cost, or a rejected one with its code.
 *
 * @param model canonical model id; the id as requested when it is unknown; {@link #UNKNOWN} when
 *     the record never named one
 * @param name the X-Opper-Name, or {@link #UNNAMED}
 * @param rejected null for an accepted request
 * @param actual for a reconciliation event, what the vendor billed; it adds to nothing else
 */
public record UsageEvent(
    String model,
    String name,
    long inputTokens,
    double costUsd,
    ErrorCode rejected,
    ActualTotals actual) {
  public static final String UNKNOWN = "(unknown)";
  public static final String UNNAMED = "(unnamed)";

  /** Longest model or name kept; both come from untrusted input and end up in store keys. */
  public static final int MAX_KEY_CHARS = 256;

  public UsageEvent {
    model = model == null || model.isEmpty() ? UNKNOWN : clean(model);
    name = name == null || name.isEmpty() ? UNNAMED : clean(name);
  }

  /** See {@link RequestHeaders#clean}; repeated here because usage keys also come from bodies. */
  public static String clean(String text) {
    return RequestHeaders.clean(text, MAX_KEY_CHARS);
  }

  public static UsageEvent accepted(String model, String name, long inputTokens, double costUsd) {
    return new UsageEvent(model, name, inputTokens, costUsd, null, null);
  }

  public static UsageEvent rejected(String model, String name, ErrorCode code) {
    return new UsageEvent(model, name, 0, 0, code, null);
  }

  /** A reconciled, unanswered or orphan record's share of the usage. */
  public static UsageEvent reconciled(String model, String name, ActualTotals actual) {
    return new UsageEvent(model, name, 0, 0, null, actual);
  }
}
