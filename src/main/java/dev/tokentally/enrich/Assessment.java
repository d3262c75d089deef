package dev.tokentally.enrich;

import dev.tokentally.deadletter.ErrorCode;

/** The outcome for one input record: exactly one of these is written, to exactly one topic. */
public sealed interface Assessment {

  /** The serialised record value to write. */
  byte[] value();

  /** The request was counted; {@code value} is the enriched JSON. */
  record Enriched(byte[] value) implements Assessment {}

  /** The request was refused; {@code value} is the ErrorResponse JSON. */
  record Rejected(ErrorCode code, byte[] value) implements Assessment {}
}
