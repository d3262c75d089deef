package dev.tokentally.limits;

import dev.tokentally.config.ConfigException;
import dev.tokentally.config.Durations;
import java.time.Duration;

/**
 * A token budget: at most {@code tokens} input tokens per {@code window} for one function name.
 * Windows are aligned to the epoch (like Kafka Streams' tumbling windows) and read from record
 * timestamps, so replaying the input reproduces every decision.
 *
 * @param name the X-Opper-Name it applies to, or {@code *} for every name, each on its own
 */
public record Budget(String name, long tokens, Duration window) {
  public static final String ANY_NAME = "*";

  public Budget {
    if (name == null || name.isBlank()) {
      throw new ConfigException("a budget needs a name (or \"*\")");
    }
    if (tokens <= 0) {
      throw new ConfigException("budget tokens must be positive, got " + tokens + " for " + name);
    }
    if (window.isNegative() || window.isZero()) {
      throw new ConfigException("budget window must be positive for " + name);
    }
  }

  public boolean appliesTo(String requestName) {
    return requestName != null && (name.equals(ANY_NAME) || name.equals(requestName));
  }

  /** Start of the window a timestamp falls in. */
  public long windowStart(long timestampMs) {
    long size = window.toMillis();
    return timestampMs - Math.floorMod(timestampMs, size);
  }

  /** State-store key: stable while the budget's name and window stay, whatever its size. */
  public String stateKey(String requestName) {
    return name + "@" + Durations.label(window) + "\n" + requestName;
  }
}
