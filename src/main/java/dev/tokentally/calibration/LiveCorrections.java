package dev.tokentally.calibration;

import dev.tokentally.counting.TextCorrection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest published correction of each family, as this instance has read it from the calibration
 * topic. Stream threads and HTTP handlers read it; the calibration topic's reader updates it.
 * Whether counts use it is {@code tokentally.calibration.apply}.
 */
public final class LiveCorrections {
  private final Map<String, TextCorrection> latest = new ConcurrentHashMap<>();
  private final boolean apply;

  public LiveCorrections(boolean apply) {
    this.apply = apply;
  }

  /**
   * The topic's latest value for the family wins, whatever its version, as the compacted topic
   * itself keeps it: a correction written back by hand (to replay with the version an enriched
   * record names) is used until the learner publishes its next one.
   */
  public void update(TextCorrection correction) {
    latest.put(correction.family(), correction);
  }

  /** What counting applies: every family's correction when applying, else none. */
  public TextCorrection.Source source() {
    return apply ? latest::get : TextCorrection.Source.NONE;
  }
}
