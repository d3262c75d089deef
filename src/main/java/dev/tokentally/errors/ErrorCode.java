package dev.tokentally.errors;

import java.util.Locale;

/**
 * The closed set of reasons tokentally refuses something. Those with {@link #deadLetter()} send a
 * record to the dead-letter topic (and, for requests, answer an HTTP request with the same code);
 * the rest are HTTP answers only. {@code topology/README.md} documents each, and a test checks that
 * it does. The wire form is the lower-case name.
 */
public enum ErrorCode {
  /** The value is empty, not UTF-8 JSON, nested too deep, or has trailing garbage. */
  INVALID_JSON(400, true),
  /** Valid JSON that is not a well-formed Anthropic or Gemini request; details name the path. */
  INVALID_REQUEST(400, true),
  /** The model is not in the registry and no fallback is configured for its vendor. */
  UNKNOWN_MODEL(400, true),
  /** Input tokens, or input plus the requested output tokens, exceed the model's window. */
  CONTEXT_WINDOW_EXCEEDED(400, true),
  /** Input tokens exceed a configured per-request cap (default, per model or per name). */
  REQUEST_TOKEN_LIMIT_EXCEEDED(400, true),
  /** Accepting the request would take its function name over a configured budget for the window. */
  BUDGET_EXCEEDED(400, true),
  /** The record value or HTTP body is larger than its configured limit. */
  PAYLOAD_TOO_LARGE(413, true),
  /**
   * A record on the responses topic that is no vendor response tokentally reads, or has no key to
   * join it by.
   */
  INVALID_RESPONSE(400, true),
  /** An unexpected exception while processing; the record is kept so it can be replayed. */
  INTERNAL_ERROR(500, true),
  /** HTTP only: no endpoint at that method and path, or no such usage key. */
  NOT_FOUND(404, false),
  /** HTTP only: the answer needs state that is not queryable right now; retry shortly. */
  UNAVAILABLE(503, false),
  /** HTTP only: no credential, an unknown one, or more than one. */
  UNAUTHORIZED(401, false),
  /** HTTP only: the key is valid but lacks the scope the endpoint needs. */
  FORBIDDEN(403, false),
  /** HTTP only: the key used up its count-request rate; {@code Retry-After} says when to retry. */
  RATE_LIMITED(429, false);

  private final String code = name().toLowerCase(Locale.ROOT);
  private final int httpStatus;
  private final boolean deadLetter;

  ErrorCode(int httpStatus, boolean deadLetter) {
    this.httpStatus = httpStatus;
    this.deadLetter = deadLetter;
  }

  /** The wire form, e.g. {@code invalid_json}. */
  public String code() {
    return code;
  }

  /** The status of an HTTP answer with this code. */
  public int httpStatus() {
    return httpStatus;
  }

  /** Whether records with this code can be on the dead-letter topic. */
  public boolean deadLetter() {
    return deadLetter;
  }
}
