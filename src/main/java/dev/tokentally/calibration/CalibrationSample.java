package dev.tokentally.calibration;

/**
 * What one reconciled pair says about a family's text model: the registered model's count, how much
 * of it came from text terms, and what the vendor billed for the same input.
 *
 * @param uncorrectedTokens the count of the registered model, before any live correction
 * @param textTokens the part of {@code uncorrectedTokens} that came from text terms (unrounded)
 * @param actualTokens the billed input, cache included
 */
public record CalibrationSample(
    String family, long uncorrectedTokens, double textTokens, long actualTokens, long timestamp) {

  /**
   * The text factor that would have made this count exact: what the non-text part leaves of the
   * billed input, over the text tokens.
   */
  public double exactFactor() {
    return (actualTokens - (uncorrectedTokens - textTokens)) / textTokens;
  }

  /** The count with the text part scaled by {@code factor}, unrounded. */
  public double correctedCount(double factor) {
    return uncorrectedTokens - textTokens + factor * textTokens;
  }
}
