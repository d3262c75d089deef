package dev.tokentally.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Reads durations as people write them in settings: {@code 30s}, {@code 1m}, {@code 1h}, {@code
 * 1d}, {@code PT5M}.
 */
public final class Durations {
  private Durations() {}

  /**
   * @throws ConfigException when the text is not a duration, or one too long to be counted in
   *     milliseconds, which is how Kafka and every window take it
   */
  public static Duration parse(String text) {
    Duration d = read(text);
    try {
      d.toMillis();
    } catch (ArithmeticException e) {
      throw new ConfigException("duration out of range: \"" + text + "\"", e);
    }
    return d;
  }

  private static Duration read(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("pt") || t.startsWith("p")) {
      try {
        return Duration.parse(t.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new ConfigException("not a duration: " + text, e);
      }
    }
    int split = 0;
    while (split < t.length() && Character.isDigit(t.charAt(split))) {
      split++;
    }
    if (split == 0 || split == t.length()) {
      throw new ConfigException("not a duration: \"" + text + "\" (use e.g. 30s, 1m, 1h, 1d)");
    }
    String unit = t.substring(split);
    try {
      long n = Long.parseLong(t.substring(0, split));
      return switch (unit) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m", "min" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> throw new ConfigException("unknown unit in duration \"" + text + "\"");
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw new ConfigException("duration out of range: \"" + text + "\"", e);
    }
  }

  /** The short form used in store names and usage records: {@code 1m}, {@code 1h}, {@code 90s}. */
  public static String label(Duration d) {
    long s = d.toSeconds();
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    if (s % 86_400 == 0) {
      return s / 86_400 + "d";
    }
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
