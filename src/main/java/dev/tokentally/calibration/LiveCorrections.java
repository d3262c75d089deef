package dev.tokentally.calibration;

import dev.tokentally.counting.TextCorrection;
import java.util.Collection;
import java.util.List;
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

  /** Keeps {@code correction} unless a later version of its family is already here. */
  public void update(TextCorrection correction) {
    latest.merge(
        correction.family(), correction, (old, now) -> now.version() >= old.version() ? now : old);
  }

  public Collection<TextCorrection> all() {
    return List.copyOf(latest.values());
  }

  /** What counting applies: every family's correction when applying, else none. */
  public TextCorrection.Source source() {
    return apply ? latest::get : TextCorrection.Source.NONE;
  }
}
