package dev.tokentally.reconcile;

import dev.tokentally.config.ConfigException;
import java.time.Duration;

/**
 * How requests are joined with their responses.
 *
 * @param enabled whether the topology reads responses and writes reconciled records at all
 * @param window how long either side waits for the other
 * @param grace added to the window before a request is closed as {@code no_response} or a response
 *     as {@code orphan}, and how long a reconciled key stays remembered to drop repeated responses
 */
public record ReconcileSettings(boolean enabled, Duration window, Duration grace) {
  public ReconcileSettings {
    if (window.isNegative() || window.isZero()) {
      throw new ConfigException("tokentally.reconcile.window must be positive");
    }
    if (grace.isNegative()) {
      throw new ConfigException("tokentally.reconcile.grace must not be negative");
    }
  }

  /** How long after its record time an entry waits before it is closed. */
  public Duration closeAfter() {
    return window.plus(grace);
  }
}
