package dev.tokentally.usage;

import dev.tokentally.config.ConfigException;
import java.time.Duration;
import java.util.List;

/**
 * How usage is aggregated.
 *
 * @param windows tumbling window sizes (default 1m and 1h)
 * @param grace how late a record may arrive and still count in its window
 * @param retention how long closed windows stay queryable (at least window + grace)
 * @param emitFinal false: emit every update (dashboards); true: one final record per window when it
 *     closes (billing)
 * @param flush how often each input task sends its combined usage on (wall-clock time)
 */
public record UsageSettings(
    List<Duration> windows, Duration grace, Duration retention, boolean emitFinal, Duration flush) {
  public UsageSettings {
    windows = List.copyOf(windows);
    if (windows.isEmpty()) {
      throw new ConfigException("tokentally.usage.windows needs at least one window");
    }
    if (windows.stream().distinct().count() != windows.size()) {
      throw new ConfigException("tokentally.usage.windows has a window twice: " + windows);
    }
    for (Duration w : windows) {
      if (w.isNegative() || w.isZero()) {
        throw new ConfigException("usage windows must be positive, got " + w);
      }
    }
    if (flush.isNegative() || flush.isZero()) {
      throw new ConfigException("tokentally.usage.flush must be positive");
    }
    if (grace.isNegative()) {
      throw new ConfigException("tokentally.usage.grace must not be negative");
    }
  }

  /** Retention of one window's store: the configured one, but never less than it needs. */
  public Duration retentionFor(Duration window) {
    Duration least = window.plus(grace);
    return retention.compareTo(least) < 0 ? least : retention;
  }
}
