package dev.tokentally.errors;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Why a request is refused, in the one shape every layer uses: the parser, the counters, the gates,
 * the budget check and the HTTP service all produce these, and the dead-letter topic and HTTP error
 * answers write them as {@code {"error":{code,message,details}}}.
 *
 * @param details where and why (JSON path, line and column, limits); written in insertion order
 */
public record Rejection(ErrorCode code, String message, Map<String, Object> details) {
  public Rejection {
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static Rejection of(ErrorCode code, String message) {
    return new Rejection(code, message, Map.of());
  }

  /** A malformed part of a request body, at a JSON path such as {@code $.messages[0].content}. */
  public static Rejection invalidAt(String path, String message) {
    return new Rejection(ErrorCode.INVALID_REQUEST, message, Map.of("path", path));
  }

  /**
   * A record value over its size limit, for requests and responses alike.
   *
   * @param what what is too large, as the message starts ({@code record value}, {@code response})
   */
  public static Rejection tooLarge(String what, int bytes, int maxBytes) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("bytes", bytes);
    details.put("max_bytes", maxBytes);
    return new Rejection(
        ErrorCode.PAYLOAD_TOO_LARGE,
        what + " is " + bytes + " bytes; the limit is " + maxBytes,
        details);
  }

  /** The HTTP status an answer with this rejection has. */
  public int httpStatus() {
    return code.httpStatus();
  }

  /** This rejection as an exception, for code that finds it deep inside a walk of the body. */
  public RejectedException exception() {
    return new RejectedException(this);
  }
}
