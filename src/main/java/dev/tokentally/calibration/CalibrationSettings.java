package dev.tokentally.calibration;

import dev.tokentally.config.ConfigException;

/**
 * How the live correction is learned and whether counts use it.
 *
 * @param apply whether new counts use the published correction ({@code calibrated_live})
 * @param pairs how many recent pairs of a family the correction is learned from
 * @param minPairs pairs a family needs before its first correction is published
 * @param every a new correction is published after this many new pairs
 * @param minTextTokens pairs with fewer text tokens are not learned from: in short requests the
 *     fixed parts and rounding say more than the text does
 */
public record CalibrationSettings(
    boolean apply, int pairs, int minPairs, int every, int minTextTokens) {
  public CalibrationSettings {
    if (pairs < 10 || minPairs < 10 || minPairs > pairs || every < 1 || minTextTokens < 1) {
      throw new ConfigException(
          "tokentally.calibration: pairs and min.pairs must be at least 10, min.pairs at most"
              + " pairs, every and min.text.tokens positive");
    }
  }
}
