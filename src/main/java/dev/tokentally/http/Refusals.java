package dev.tokentally.http;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Rejection;

/** The refusals HTTP handlers throw most; {@link HttpService} writes each as an ErrorResponse. */
final class Refusals {
  private Refusals() {}

  /** 503: state this answer needs is not queryable right now. */
  static RejectedException unavailable(String message) {
    return Rejection.of(ErrorCode.UNAVAILABLE, message).exception();
  }

  /** 400: a malformed query. */
  static RejectedException invalid(String message) {
    return Rejection.of(ErrorCode.INVALID_REQUEST, message).exception();
  }
}
