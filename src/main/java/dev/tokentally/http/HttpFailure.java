package dev.tokentally.http;

import java.util.Map;

/**
 * A request the service refuses, with the status and the ErrorResponse fields to answer with.
 * Handlers throw it; {@link HttpService} writes the answer, so every error has the same shape.
 */
public final class HttpFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** HTTP-only codes; the dead-letter codes come from {@code ErrorCode}. */
  public static final String NOT_FOUND = "not_found";

  public static final String UNAVAILABLE = "unavailable";

  private final int status;
  private final String code;
  private final transient Map<String, ?> details;

  public HttpFailure(int status, String code, String message, Map<String, ?> details) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = Map.copyOf(details);
  }

  public static HttpFailure badRequest(String code, String message, Map<String, ?> details) {
    return new HttpFailure(400, code, message, details);
  }

  public static HttpFailure unavailable(String message) {
    return new HttpFailure(503, UNAVAILABLE, message, Map.of());
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public Map<String, ?> details() {
    return details;
  }
}
