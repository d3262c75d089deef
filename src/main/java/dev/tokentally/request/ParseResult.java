package dev.tokentally.request;

import dev.tokentally.errors.ErrorCode;
import java.util.Map;

/** What parsing a record value produced: a request to count, or the reason it cannot be. */
public sealed interface ParseResult {

  /** The value is a well-formed request of a known API. */
  record Parsed(LlmRequest request) implements ParseResult {}

  /** The value cannot be counted; {@code details} says where (JSON path, line, column). */
  record Invalid(ErrorCode code, String message, Map<String, Object> details)
      implements ParseResult {
    public Invalid {
      details = Map.copyOf(details);
    }
  }
}
