package dev.tokentally.fuzz;

/**
 * What every fuzz target here shares. In a build each {@code @FuzzTest} replays its committed
 * inputs once ({@code src/test/resources/dev/tokentally/fuzz/<Class>Inputs/<method>/}); with {@code
 * JAZZER_FUZZ=1} (the {@code fuzz} Maven profile) one target fuzzes for {@link #MAX_DURATION},
 * unless the profile passes a shorter time. docs/fuzzing.md says how to run them.
 */
final class FuzzTargets {
  private FuzzTargets() {}

  /** How long one target fuzzes when nothing shorter is asked for. */
  static final String MAX_DURATION = "10m";

  /**
   * One input taking longer than this is a hang. JUnit enforces it on each replayed input; while
   * fuzzing, Jazzer passes it to libFuzzer as {@code -timeout} (the profile turns JUnit's own
   * timeout off, which would otherwise apply to the whole run).
   */
  static final long TIMEOUT_SECONDS = 10;
}
