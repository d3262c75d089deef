package dev.tokentally.access;

import dev.tokentally.config.ConfigException;
import java.util.Locale;

/** What a key may do; each endpoint needs exactly one scope, the health probes none. */
public enum Scope {
  /** The vendor-compatible count endpoints. */
  COUNT,
  /** Usage queries, limited to a key's name prefixes when it has any. */
  USAGE,
  /** The Prometheus scrape. */
  METRICS;

  private final String id = name().toLowerCase(Locale.ROOT);

  /**
   * The form keys files and {@code keys new} use: {@code count}, {@code usage}, {@code metrics}.
   */
  public String id() {
    return id;
  }

  public static Scope parse(String id) {
    for (Scope s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    throw new ConfigException("unknown scope '" + id + "'; scopes are count, usage, metrics");
  }
}
