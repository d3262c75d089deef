package dev.tokentally.calibration;

import dev.tokentally.counting.TextCorrection;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Learns one family's text correction from its most recent billed pairs. The factor is the median
 * of the pairs' exact factors, so a few pairs that are off for reasons of their own (a response
 * joined to the wrong request, content the count could not see) do not move it. The error bar is
 * measured the honest way: each pair is first predicted with the factor learned before it arrived,
 * and the published bar is the 95th percentile of those prediction errors, never the fit's own.
 *
 * <p>The state is plain data ({@link State}), kept in a state store between records.
 */
public final class CalibrationLearner {
  /** Predictions need at least this many earlier pairs before they count towards the error bar. */
  static final int MIN_PRIOR = 10;

  private final CalibrationSettings settings;

  public CalibrationLearner(CalibrationSettings settings) {
    this.settings = settings;
  }

  /**
   * One family's learning state.
   *
   * @param factors exact factors of the most recent pairs, oldest first
   * @param errors errors (percent, signed) of the most recent predictions, oldest first
   * @param sinceLast pairs learned since the last publication
   * @param version the last published version, 0 before the first
   */
  public record State(
      String family, List<Double> factors, List<Double> errors, int sinceLast, long version) {
    public static State empty(String family) {
      return new State(family, List.of(), List.of(), 0, 0);
    }
  }

  /** The state after learning {@code sample}, and the correction to publish now, if any. */
  public record Step(State state, Published published) {}

  /** A correction to publish, with the time of the pair that completed it. */
  public record Published(TextCorrection correction, long timestamp) {}

  /** Whether a pair says anything about the text model. */
  public boolean learnsFrom(CalibrationSample sample) {
    return sample.textTokens() >= settings.minTextTokens() && sample.actualTokens() > 0;
  }

  public Step learn(State state, CalibrationSample sample) {
    List<Double> factors = new ArrayList<>(state.factors());
    List<Double> errors = new ArrayList<>(state.errors());
    if (factors.size() >= MIN_PRIOR) {
      double predicted = sample.correctedCount(median(factors));
      errors.add(100.0 * (predicted - sample.actualTokens()) / sample.actualTokens());
      trim(errors);
    }
    factors.add(sample.exactFactor());
    trim(factors);
    int since = state.sinceLast() + 1;
    long version = state.version();
    Published published = null;
    boolean firstDue = version == 0 && factors.size() >= settings.minPairs();
    boolean nextDue = version > 0 && since >= settings.every();
    if ((firstDue || nextDue) && errors.size() >= MIN_PRIOR) {
      version++;
      since = 0;
      published =
          new Published(
              new TextCorrection(
                  state.family(),
                  version,
                  round(median(factors), 1e4),
                  round(p95Absolute(errors), 10),
                  factors.size()),
              sample.timestamp());
    }
    return new Step(new State(state.family(), factors, errors, since, version), published);
  }

  private void trim(List<Double> values) {
    while (values.size() > settings.pairs()) {
      values.remove(0);
    }
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The nearest-rank 95th percentile of the absolute values. */
  static double p95Absolute(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(v -> Math.abs(v)).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(0.95 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double round(double value, double scale) {
    return Math.round(value * scale) / scale;
  }
}
