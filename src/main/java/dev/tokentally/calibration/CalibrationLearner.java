package dev.tokentally.calibration;

import dev.tokentally.counting.TextCorrection;
import java.util.Arrays;

/**
 * Learns one family's text correction from its most recent billed pairs. The factor is the median
 * of the pairs' exact factors, so a few pairs that are off for reasons of their own (a response
 * joined to the wrong request, content the count could not see) do not move it. The error bar is
 * measured the honest way: each pair is first predicted with the factor current before it arrived,
 * and the published bar is the 95th percentile of those prediction errors, never the fit's own.
 *
 * <p>It runs once per comparable pair, so it keeps its recent values in fixed arrays and takes a
 * median only when the factor is due to change (every {@code every} pairs), not per pair.
 */
public final class CalibrationLearner {
  /** Predictions need at least this many earlier pairs before they count towards the error bar. */
  static final int MIN_PRIOR = 10;

  private final CalibrationSettings settings;

  public CalibrationLearner(CalibrationSettings settings) {
    this.settings = settings;
  }

  /** A correction to publish, with the time of the pair that completed it. */
  public record Published(TextCorrection correction, long timestamp) {}

  /** The most recent values, oldest overwritten first. */
  static final class Recent {
    private final float[] values;
    private int size;
    private int next;

    Recent(int capacity) {
      values = new float[capacity];
    }

    void add(double value) {
      values[next] = (float) value;
      next = (next + 1) % values.length;
      size = Math.min(size + 1, values.length);
    }

    int size() {
      return size;
    }

    /** The values, oldest first. */
    double[] toArray() {
      double[] out = new double[size];
      int start = size < values.length ? 0 : next;
      for (int i = 0; i < size; i++) {
        out[i] = values[(start + i) % values.length];
      }
      return out;
    }
  }

  /**
   * One family's learning state, changed in place by {@link #learn}.
   *
   * @see LearnerStateSerde for how it is stored
   */
  public static final class State {
    final String family;
    final Recent factors;
    final Recent errors;
    int sinceLast;
    long version;
    double current = Double.NaN;

    State(String family, int capacity) {
      this.family = family;
      this.factors = new Recent(capacity);
      this.errors = new Recent(capacity);
    }

    public static State empty(String family, CalibrationSettings settings) {
      return new State(family, settings.pairs());
    }

    public String family() {
      return family;
    }

    /** The last published version, 0 before the first. */
    public long version() {
      return version;
    }

    /** Pairs learned since the last publication. */
    public int sinceLast() {
      return sinceLast;
    }

    /** Exact factors of the most recent pairs, oldest first. */
    public double[] factors() {
      return factors.toArray();
    }

    /** Errors (percent, signed) of the most recent predictions, oldest first. */
    public double[] errors() {
      return errors.toArray();
    }

    /** The factor predictions use now, NaN before there is one. */
    public double current() {
      return current;
    }
  }

  /** Whether a pair says anything about the text model. */
  public boolean learnsFrom(CalibrationSample sample) {
    return sample.textTokens() >= settings.minTextTokens() && sample.actualTokens() > 0;
  }

  /** Learns {@code sample} into {@code state}; returns the correction to publish now, or null. */
  public Published learn(State state, CalibrationSample sample) {
    if (!Double.isNaN(state.current)) {
      double predicted = sample.correctedCount(state.current);
      state.errors.add(100.0 * (predicted - sample.actualTokens()) / sample.actualTokens());
    }
    state.factors.add(sample.exactFactor());
    state.sinceLast++;
    boolean firstDue = state.version == 0 && state.factors.size() >= settings.minPairs();
    boolean nextDue = state.version > 0 && state.sinceLast >= settings.every();
    if ((firstDue || nextDue) && state.errors.size() >= MIN_PRIOR) {
      state.current = median(state.factors.toArray());
      state.version++;
      state.sinceLast = 0;
      return new Published(
          new TextCorrection(
              state.family,
              state.version,
              round(state.current, 1e4),
              round(p95Absolute(state.errors.toArray()), 10),
              state.factors.size()),
          sample.timestamp());
    }
    if (state.version == 0
        && state.factors.size() >= MIN_PRIOR
        && state.factors.size() % settings.every() == 0) {
      // Before the first publication, predictions still need a factor learned from earlier pairs.
      state.current = median(state.factors.toArray());
    }
    return null;
  }

  static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** The nearest-rank 95th percentile of the absolute values. */
  static double p95Absolute(double[] values) {
    double[] sorted = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      sorted[i] = Math.abs(values[i]);
    }
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(0.95 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }

  private static double round(double value, double scale) {
    return Math.round(value * scale) / scale;
  }
}
