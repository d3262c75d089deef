package dev.tokentally.usage;

import dev.tokentally.config.Durations;
import java.time.Instant;

/**
 * One question to the usage stores.
 *
 * @param key the exact key for {@link Selector#KEY}, the key prefix for {@link Selector#PREFIX},
 *     unused for {@link Selector#ALL}
 * @param window a configured window label ({@code 1m}) or {@link UsageRecords#ALL_TIME}
 * @param from earliest window start included (windowed queries only)
 * @param to latest window start included (windowed queries only)
 */
public record UsageQuery(
    UsageDimension dimension,
    Selector selector,
    String key,
    String window,
    Instant from,
    Instant to) {

  public enum Selector {
    ALL,
    KEY,
    PREFIX
  }

  /** The window's length; 0 for all-time totals. */
  public long windowMillis() {
    return allTime() ? 0 : Durations.parse(window).toMillis();
  }

  public boolean allTime() {
    return window.equals(UsageRecords.ALL_TIME);
  }

  /** The store that answers: {@code usage-by-model-1m}, {@code usage-by-name-all}, ... */
  public String storeName() {
    return dimension.storeName(window);
  }

  boolean selects(String candidate) {
    return switch (selector) {
      case ALL -> true;
      case KEY -> candidate.equals(key);
      case PREFIX -> candidate.startsWith(key);
    };
  }
}
