package dev.tokentally.deadletter;

import java.util.Locale;

/** The closed set of reasons a record goes to the dead-letter topic; documented in README. */
public enum ErrorCode {
  /** The value is empty, not UTF-8 JSON, nested too deep, or has trailing garbage. */
  INVALID_JSON,
  /** Valid JSON that is not a well-formed Anthropic or Gemini request; details name the path. */
  INVALID_REQUEST,
  /** The model is not in the registry and no fallback is configured for its vendor. */
  UNKNOWN_MODEL,
  /** An unexpected exception while processing; the record is kept so it can be replayed. */
  INTERNAL_ERROR;

  /** The wire form, e.g. {@code invalid_json}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
