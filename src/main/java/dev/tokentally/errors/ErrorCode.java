package dev.tokentally.errors;

import java.util.Locale;

/**
 * The closed set of reasons a record goes to the dead-letter topic; README and {@code
 * topology/README.md} document each. The wire form is the lower-case name.
 */
public enum ErrorCode {
  /** The value is empty, not UTF-8 JSON, nested too deep, or has trailing garbage. */
  INVALID_JSON,
  /** Valid JSON that is not a well-formed Anthropic or Gemini request; details name the path. */
  INVALID_REQUEST,
  /** The model is not in the registry and no fallback is configured for its vendor. */
  UNKNOWN_MODEL,
  /** Input tokens, or input plus the requested output tokens, exceed the model's window. */
  CONTEXT_WINDOW_EXCEEDED,
  /** Input tokens exceed a configured per-request cap (default, per model or per name). */
  REQUEST_TOKEN_LIMIT_EXCEEDED,
  /** Accepting the request would take its function name over a configured budget for the window. */
  BUDGET_EXCEEDED,
  /** The record value is larger than {@code tokentally.request.max.bytes}. */
  PAYLOAD_TOO_LARGE,
  /** An unexpected exception while processing; the record is kept so it can be replayed. */
  INTERNAL_ERROR;

  private final String code = name().toLowerCase(Locale.ROOT);

  /** The wire form, e.g. {@code invalid_json}. */
  public String code() {
    return code;
  }

  /** The code for a wire form, or null when it is not one of ours. */
  public static ErrorCode fromCode(String code) {
    for (ErrorCode c : values()) {
      if (c.code.equals(code)) {
        return c;
      }
    }
    return null;
  }
}
