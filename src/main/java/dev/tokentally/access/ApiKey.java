package dev.tokentally.access;

import java.util.List;
import java.util.Set;

/**
 * One configured key: its hash (never the key), a label that is safe to log, what it may do and,
 * for usage, which function names it may see.
 *
 * @param label names the key in logs and in the rate limiter; not secret
 * @param namePrefixes function-name prefixes its usage answers are limited to; empty for all names
 */
public record ApiKey(String label, byte[] sha256, Set<Scope> scopes, List<String> namePrefixes) {
  public ApiKey {
    sha256 = sha256.clone();
    scopes = Set.copyOf(scopes);
    namePrefixes = List.copyOf(namePrefixes);
  }

  public boolean allows(Scope scope) {
    return scopes.contains(scope);
  }

  /** Whether usage of this function name is visible to the key. */
  public boolean sees(String name) {
    return namePrefixes.isEmpty() || namePrefixes.stream().anyMatch(name::startsWith);
  }

  /** Whether the key sees every name, so that totals across names are its to read. */
  public boolean seesAllNames() {
    return namePrefixes.isEmpty();
  }

  @Override
  public String toString() {
    return "ApiKey[" + label + "]";
  }
}
