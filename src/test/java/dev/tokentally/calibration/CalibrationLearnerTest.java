package dev.tokentally.calibration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The learner's rules, on pairs whose true text factor the test sets. */
class CalibrationLearnerTest {
  private static final CalibrationSettings SETTINGS =
      new CalibrationSettings(false, 100, 20, 5, 50);

  /** A pair of 30 fixed tokens and {@code text} text tokens billed at {@code factor}. */
  private static CalibrationSample pair(double text, double factor, long t) {
    return new CalibrationSample(
        "claude-4", Math.round(30 + text), text, Math.round(30 + factor * text), t);
  }

  private static List<CalibrationLearner.Published> run(
      CalibrationLearner learner, List<CalibrationSample> samples) {
    CalibrationLearner.State state = CalibrationLearner.State.empty("claude-4", SETTINGS);
    List<CalibrationLearner.Published> out = new ArrayList<>();
    for (CalibrationSample s : samples) {
      CalibrationLearner.Published published = learner.learn(state, s);
      if (published != null) {
        out.add(published);
      }
    }
    return out;
  }

  @Test
  void aTenthOfWildPairsDoesNotMoveTheFactor() {
    SplittableRandom random = new SplittableRandom(3);
    List<CalibrationSample> samples = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // One pair in ten joined to the wrong request: billed at three times its text.
      double factor = i % 10 == 9 ? 3.0 : 0.77;
      samples.add(pair(200 + random.nextInt(2000), factor, i));
    }
    List<CalibrationLearner.Published> published = run(new CalibrationLearner(SETTINGS), samples);

    var last = published.get(published.size() - 1).correction();
    assertThat(last.factor()).isCloseTo(0.77, within(0.005));
    assertThat(last.pairs()).isEqualTo(100);
    // The wild tenth is in the error bar: p95 covers it, the median does not hide it.
    assertThat(last.errorPct()).isGreaterThan(50);
  }

  @Test
  void theErrorBarIsMeasuredOnPairsTheFactorHadNotSeen() {
    // The factor moves from 1.0 to 0.6 halfway. A fit's own residuals right after the move would
    // be small; predictions made before each pair was learned are 40 % off until the median turns.
    List<CalibrationSample> samples = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      samples.add(pair(1000, i < 30 ? 1.0 : 0.6, i));
    }
    List<CalibrationLearner.Published> published = run(new CalibrationLearner(SETTINGS), samples);

    assertThat(published.get(0).correction().version()).isEqualTo(1);
    assertThat(published.get(0).correction().errorPct()).isLessThan(0.5);
    var last = published.get(published.size() - 1).correction();
    assertThat(last.errorPct()).isGreaterThan(40);
    assertThat(last.version()).isEqualTo(published.size());
  }

  @Test
  void shortTextsAndUnbilledInputTeachNothing() {
    CalibrationLearner learner = new CalibrationLearner(SETTINGS);
    assertThat(learner.learnsFrom(pair(49, 0.8, 0))).isFalse();
    assertThat(learner.learnsFrom(new CalibrationSample("claude-4", 100, 80, 0, 0))).isFalse();
    assertThat(learner.learnsFrom(pair(50, 0.8, 0))).isTrue();
  }

  @Test
  void publishesFirstAtMinPairsThenEveryFewPairs() {
    List<CalibrationSample> samples = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      samples.add(pair(500, 0.9, i));
    }
    List<CalibrationLearner.Published> published = run(new CalibrationLearner(SETTINGS), samples);

    assertThat(published).extracting(p -> p.timestamp()).containsExactly(19L, 24L, 29L, 34L, 39L);
    assertThat(published)
        .extracting(p -> p.correction().version())
        .containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void theStoredStateReadsBackAsWrittenAndKeepsTheMostRecentValues() {
    CalibrationLearner learner = new CalibrationLearner(SETTINGS);
    CalibrationLearner.State state = CalibrationLearner.State.empty("claude-4", SETTINGS);
    for (int i = 0; i < 130; i++) {
      learner.learn(state, pair(300 + 10 * i, 0.5 + i / 1000.0, i));
    }

    byte[] stored = LearnerStateSerde.write(state);
    CalibrationLearner.State read = LearnerStateSerde.read(stored, SETTINGS.pairs());

    assertThat(read.family()).isEqualTo("claude-4");
    assertThat(read.version()).isEqualTo(state.version());
    assertThat(read.sinceLast()).isEqualTo(state.sinceLast());
    assertThat(read.current()).isEqualTo(state.current());
    assertThat(read.factors()).hasSize(100).containsExactly(state.factors());
    assertThat(read.factors()[0]).isCloseTo(0.53, within(0.002));
    assertThat(read.errors()).containsExactly(state.errors());
    // 100 factors and errors as 4-byte floats: what the changelog pays once per commit.
    assertThat(stored).hasSizeLessThan(1_000);
    // Read with room for fewer, the most recent ones stay.
    CalibrationLearner.State fewer = LearnerStateSerde.read(stored, 40);
    assertThat(fewer.factors()).hasSize(40);
    assertThat(fewer.factors()[39]).isEqualTo(state.factors()[99]);
  }
}
