package dev.tokentally.errors;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failures nobody planned for: a bug, or input that breaks a reader in a way no rule names. One
 * record's failure becomes that record's {@code internal_error}, never the end of the stream or the
 * command; only errors after which the JVM is in an unknown state end the process.
 */
public final class Unexpected {
  private Unexpected() {}

  /** True for errors the JVM cannot be trusted to continue from; a stack overflow is not one. */
  public static boolean isFatal(Throwable t) {
    return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
  }

  /**
   * The rejection of a record that failed with {@code failure}, or {@code failure} rethrown when it
   * is {@linkplain #isFatal fatal}.
   */
  public static Rejection contain(Throwable failure, String where) {
    if (isFatal(failure) && failure instanceof Error error) {
      throw error;
    }
    return rejection(failure, where);
  }

  /**
   * The rejection of a record whose processing failed with {@code failure}. Only the class is kept:
   * a message or a stack trace can quote the record.
   *
   * @param where the step that failed, such as a processor name or {@code count}
   */
  public static Rejection rejection(Throwable failure, String where) {
    String name = failure.getClass().getName();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("exception", name);
    details.put("processor", where);
    return new Rejection(
        ErrorCode.INTERNAL_ERROR,
        "unexpected "
            + failure.getClass().getSimpleName()
            + " in "
            + where
            + " while processing the record; it can be replayed from the payload",
        details);
  }
}
