package dev.tokentally.access;

import dev.tokentally.config.ConfigException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys file: one key per line, {@code sha256:<64 hex> scopes=count,usage[,metrics]
 * [names=team-a/,team-b/] [label=team-a]}; blank lines and lines starting with {@code #} are
 * ignored. Errors name the line number and the field, never the line, which holds a hash.
 */
public final class KeysFile {
  private static final String HASH_PREFIX = "sha256:";

  private KeysFile() {}

  public static List<ApiKey> parse(String text) {
    List<ApiKey> keys = new ArrayList<>();
    Set<String> hashes = new LinkedHashSet<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      ApiKey key = parseLine(line, i + 1);
      if (!hashes.add(Secrets.hex(key.sha256()))) {
        throw new ConfigException("keys file line " + (i + 1) + ": the same key twice");
      }
      keys.add(key);
    }
    return keys;
  }

  /** The line {@code keys new} prints for a key. */
  public static String line(
      String key, Set<Scope> scopes, List<String> namePrefixes, String label) {
    StringBuilder out =
        new StringBuilder(HASH_PREFIX)
            .append(Secrets.hex(Secrets.sha256(key)))
            .append(" scopes=")
            .append(String.join(",", scopes.stream().map(Scope::id).toList()));
    if (!namePrefixes.isEmpty()) {
      out.append(" names=").append(String.join(",", namePrefixes));
    }
    if (label != null && !label.isBlank()) {
      out.append(" label=").append(label);
    }
    return out.toString();
  }

  private static ApiKey parseLine(String line, int number) {
    String[] fields = line.split("\\s+");
    String where = "keys file line " + number + ": ";
    if (!fields[0].startsWith(HASH_PREFIX)) {
      throw new ConfigException(where + "must start with sha256:<64 hex digits>");
    }
    byte[] hash;
    try {
      hash = HexFormat.of().parseHex(fields[0].substring(HASH_PREFIX.length()));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + "the hash is not hexadecimal");
    }
    if (hash.length != 32) {
      throw new ConfigException(where + "the hash must be 64 hex digits (SHA-256)");
    }
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    List<String> names = List.of();
    String label = "line-" + number;
    for (int f = 1; f < fields.length; f++) {
      int eq = fields[f].indexOf('=');
      String name = eq < 0 ? fields[f] : fields[f].substring(0, eq);
      String value = eq < 0 ? "" : fields[f].substring(eq + 1);
      switch (name) {
        case "scopes" -> {
          try {
            scopes.addAll(Scope.parseAll(value));
          } catch (ConfigException e) {
            throw new ConfigException(where + e.getMessage());
          }
        }
        case "names" -> names = List.of(value.split(","));
        case "label" -> label = value;
        default ->
            throw new ConfigException(
                where + "unknown field '" + name + "'; fields: scopes, names, label");
      }
    }
    if (scopes.isEmpty()) {
      throw new ConfigException(where + "scopes= is required (count, usage, metrics)");
    }
    if (names.stream().anyMatch(String::isEmpty)) {
      throw new ConfigException(where + "names= lists non-empty prefixes, comma-separated");
    }
    if (!label.matches("[A-Za-z0-9._/-]{1,64}")) {
      throw new ConfigException(where + "label= is 1-64 of letters, digits and . _ / -");
    }
    return new ApiKey(label, hash, scopes, names);
  }
}
