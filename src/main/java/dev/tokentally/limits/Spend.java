package dev.tokentally.limits;

import java.math.BigDecimal;

/**
 * What one request takes from budgets, in every measure at once: reserved at gating from the
 * estimate and {@code max_tokens}, or billed, once the vendor's usage is known. Dollars are held as
 * whole nano-dollars, so a budget's sum is exact and the same in every replay.
 *
 * @param inputTokens input tokens (the estimate, or the billed input with cache)
 * @param outputTokens output tokens (reserved: {@code max_tokens}; billed: output with thinking)
 * @param nanoUsd cost in nano-dollars; a request without a known price takes 0
 */
public record Spend(long inputTokens, long outputTokens, long nanoUsd) {
  public static final Spend NONE = new Spend(0, 0, 0);

  private static final double NANOS_PER_USD = 1e9;

  /** A cost in dollars as whole nano-dollars; an unknown (NaN or null) cost as 0. */
  public static long nanoUsd(Double usd) {
    return usd == null || usd.isNaN() ? 0 : Math.round(usd * NANOS_PER_USD);
  }

  /** What this spend takes from a budget of {@code measure}. */
  public long in(Budget.Measure measure) {
    return switch (measure) {
      case INPUT -> inputTokens;
      case INPUT_OUTPUT -> inputTokens + outputTokens;
      case USD -> nanoUsd;
    };
  }

  /** An amount of {@code measure} as people read it: {@code 1200 tokens}, {@code $0.0042}. */
  public static String label(Budget.Measure measure, long amount) {
    if (measure == Budget.Measure.USD) {
      return "$" + BigDecimal.valueOf(amount, 9).stripTrailingZeros().toPlainString();
    }
    return amount + (measure == Budget.Measure.INPUT ? " input tokens" : " tokens");
  }

  /** Dollars of a nano-dollar amount, for records. */
  public static double usd(long nanoUsd) {
    return nanoUsd / NANOS_PER_USD;
  }
}
