package dev.tokentally.counting;

/**
 * A live correction of one family's text model, learned from the vendor's billed counts: every text
 * term's coefficient (prose, tool, JSON and schema tokens and their character classes) is
 * multiplied by {@code factor}; what is known exactly and the structural terms stay as registered.
 *
 * @param version increases with every correction the learner publishes for the family
 * @param errorPct the 95th percentile of the absolute error of corrected counts on pairs the
 *     correction had not seen when they arrived, in percent; the error bar of corrected counts
 * @param pairs how many billed counts the correction was learned from
 */
public record TextCorrection(
    String family, long version, double factor, double errorPct, int pairs) {

  /** Which correction, if any, applies to a family's counts. */
  @FunctionalInterface
  public interface Source {
    Source NONE = family -> null;

    /** The current correction of {@code family}, or null. */
    TextCorrection forFamily(String family);
  }

  /**
   * A count a correction was applied to: what it was before, so the number can be reproduced.
   *
   * @param uncorrectedTotal the count of the registered model alone
   */
  public record Applied(TextCorrection correction, int uncorrectedTotal) {}
}
