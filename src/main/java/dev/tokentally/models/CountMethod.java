package dev.tokentally.models;

import java.util.Locale;

/** How a count was obtained; consumers decide from it how far to trust the number. */
public enum CountMethod {
  /** The vendor's own vocabulary applied to the request's content. */
  TOKENIZER,
  /** A tokenizer of a related model family, corrected by factors fitted to published counts. */
  CALIBRATED,
  /** An approximation without the vendor's vocabulary (e.g. characters / 4). */
  HEURISTIC,
  /**
   * A calibrated count whose text terms were corrected by what the vendor billed for recent
   * requests of the family ({@code tokentally.calibration.apply}). Never a weakening: a count
   * becomes this only after it was made, so it comes last.
   */
  CALIBRATED_LIVE;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
