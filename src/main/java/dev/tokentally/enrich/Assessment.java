package dev.tokentally.enrich;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.Rejection;
import dev.tokentally.usage.UsageEvent;

/** What the per-request gates decided for one input record. */
public sealed interface Assessment {

  /** Counted and within every per-request limit; the budget check comes next. */
  record Counted(CountedRequest request) implements Assessment {}

  /**
   * Refused; {@code value} is the ErrorResponse JSON for the dead-letter topic.
   *
   * @param usage the rejection as the usage aggregates count it
   * @param vendor the vendor of the requested API or model, or null when the record did not parse
   * @param inputTokens the count, when the request was counted before it was refused; else -1
   */
  record Rejected(
      Rejection rejection, byte[] value, UsageEvent usage, String vendor, long inputTokens)
      implements Assessment {
    public ErrorCode code() {
      return rejection.code();
    }
  }
}
