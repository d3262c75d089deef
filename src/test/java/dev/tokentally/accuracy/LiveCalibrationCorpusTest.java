package dev.tokentally.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokentally.calibration.CalibrationLearner;
import dev.tokentally.calibration.CalibrationSample;
import dev.tokentally.calibration.CalibrationSettings;
import dev.tokentally.counting.TextCorrection;
import dev.tokentally.models.CountMethod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The live correction judged on recorded vendor counts, as a deployment would meet them. Each
 * source repository stands for one deployment the registered model never saw: its cases are counted
 * by coefficients fitted without that source (leave-one-source-out), then streamed in recorded
 * order through the learner with the shipped settings. Every case is predicted before it is
 * learned, with the correction published so far, so both columns are out-of-sample errors on the
 * same cases: the registered model alone, and the registered model with the live correction. The
 * figures are written to {@code target/live-calibration.md} and quoted in docs/accuracy.md.
 */
class LiveCalibrationCorpusTest {
  private static final CalibrationSettings SHIPPED = new CalibrationSettings(true, 500, 50, 10, 50);

  private static final int ENOUGH = 100;

  private static final Map<String, List<double[]>> errorsByFamily = new TreeMap<>();

  @BeforeAll
  static void stream() throws IOException {
    CrossValidation cv = new CrossValidation(RecordedCase.corpus());
    Map<String, List<CrossValidation.Prediction>> deployments = new LinkedHashMap<>();
    for (CrossValidation.Prediction p : cv.heldOut()) {
      CrossValidation.Counted c = p.counted();
      if (c.method() == CountMethod.CALIBRATED && c.fittable() && p.textTokens() > 0) {
        deployments
            .computeIfAbsent(c.recorded().source() + "|" + c.family(), k -> new ArrayList<>())
            .add(p);
      }
    }
    CalibrationLearner learner = new CalibrationLearner(SHIPPED);
    for (List<CrossValidation.Prediction> stream : deployments.values()) {
      String family = stream.get(0).counted().family();
      CalibrationLearner.State state = CalibrationLearner.State.empty(family, SHIPPED);
      TextCorrection live = null;
      for (CrossValidation.Prediction p : stream) {
        int actual = p.counted().recorded().expected();
        if (live != null) {
          double corrected =
              Math.round(p.predicted() - p.textTokens() + live.factor() * p.textTokens());
          errorsByFamily
              .computeIfAbsent(family, k -> new ArrayList<>())
              .add(new double[] {p.absPct(), 100.0 * Math.abs(corrected - actual) / actual});
        }
        CalibrationSample sample =
            new CalibrationSample(family, p.predicted(), p.textTokens(), actual, 0);
        if (learner.learnsFrom(sample)) {
          CalibrationLearner.Published published = learner.learn(state, sample);
          if (published != null) {
            live = published.correction();
          }
        }
      }
    }
    StringBuilder table = new StringBuilder();
    table.append("| family | cases after the first correction | registered p50 | registered p95");
    table.append(" | live p50 | live p95 |\n| --- | ---: | ---: | ---: | ---: | ---: |\n");
    errorsByFamily.forEach(
        (family, errors) ->
            table.append(
                String.format(
                    java.util.Locale.ROOT,
                    "| %s | %d | %.1f%% | %.1f%% | %.1f%% | %.1f%% |%n",
                    family,
                    errors.size(),
                    percentile(errors, 0, 0.5),
                    percentile(errors, 0, 0.95),
                    percentile(errors, 1, 0.5),
                    percentile(errors, 1, 0.95))));
    System.out.println("Live correction on held-out recorded counts:\n" + table);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "live-calibration.md"), table);
  }

  private static double percentile(List<double[]> errors, int column, double q) {
    double[] v = errors.stream().mapToDouble(e -> e[column]).sorted().toArray();
    return v[Math.max(0, (int) Math.ceil(q * v.length) - 1)];
  }

  @Test
  void someDeploymentIsLongEnoughToLearnFrom() {
    assertThat(errorsByFamily.values().stream().mapToInt(List::size).sum()).isGreaterThan(100);
  }

  /**
   * Families with at least {@link #ENOUGH} compared cases only: fewer say little either way. The
   * bound is loose on purpose: the registered model was fitted to sources like these, so a live
   * correction has little to add here; what must not happen is that it makes counts worse.
   */
  @Test
  void theLiveCorrectionIsNoWorseThanTheRegisteredModelOnWhatItHadNotSeen() {
    errorsByFamily.forEach(
        (family, errors) -> {
          if (errors.size() < ENOUGH) {
            return;
          }
          assertThat(percentile(errors, 1, 0.5))
              .as("%s median error, live vs registered", family)
              .isLessThanOrEqualTo(percentile(errors, 0, 0.5) + 1);
          assertThat(percentile(errors, 1, 0.95))
              .as("%s p95 error, live vs registered", family)
              .isLessThanOrEqualTo(percentile(errors, 0, 0.95) * 1.1);
        });
  }
}
