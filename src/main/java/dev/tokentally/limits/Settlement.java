package dev.tokentally.limits;

/**
 * Replaces what a request reserved from its name's budgets with what it finally took: the billed
 * usage, the input estimate alone when no response came, nothing when nothing was billed. It goes
 * to the task that holds the name's budgets, which adds {@code settled - reserved} to the window
 * the request was charged in.
 *
 * @param requestTimestamp the request's record time, which chose the windows it was charged in
 */
public record Settlement(String name, long requestTimestamp, Spend reserved, Spend settled) {
  /** What settling changes in a budget of {@code measure}. */
  public long delta(Budget.Measure measure) {
    return settled.in(measure) - reserved.in(measure);
  }
}
