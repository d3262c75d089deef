package dev.tokentally.errors;

/**
 * Carries a {@link Rejection} out of code that walks a request (parser, counters, HTTP handlers) to
 * the one place that turns it into a dead letter or an HTTP answer. Without a stack trace: it is an
 * expected outcome, and a trace could quote the request.
 */
public final class RejectedException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient Rejection rejection;

  public RejectedException(Rejection rejection) {
    super(rejection.message(), null, false, false);
    this.rejection = rejection;
  }

  /** A malformed part of a request body; shorthand for the counters' many checks. */
  public static RejectedException invalidAt(String path, String message) {
    return new RejectedException(Rejection.invalidAt(path, message));
  }

  public Rejection rejection() {
    return rejection;
  }
}
