package dev.tokentally.access;

import dev.tokentally.config.ConfigException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

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

  /** {@code count,usage}: the comma-separated form keys files and {@code keys new} use. */
  public static Set<Scope> parseAll(String ids) {
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    for (String id : ids.split(",")) {
      scopes.add(parse(id.strip()));
    }
    return scopes;
  }

  private static Scope parse(String id) {
    for (Scope s : values()) {
      if (s.id.equals(id)) {
        return s;
      }
    }
    throw new ConfigException("unknown scope '" + id + "'; scopes are count, usage, metrics");
  }
}
