package dev.tokentally.access;

import dev.tokentally.config.ConfigException;
import java.nio.file.Path;

/**
 * Who may call the HTTP service.
 *
 * @param authNone {@code tokentally.http.auth=none}: no keys at all, on every interface
 * @param keysFile the keys file, or null; without one (and without {@code authNone}) the service
 *     listens on loopback only
 * @param clusterSecret what instances send each other for internal usage queries, or null
 * @param ratePerSecond count requests per second per key; 0 for no limit
 * @param burst count requests a key may send at once
 */
public record AccessSettings(
    boolean authNone, Path keysFile, String clusterSecret, int ratePerSecond, int burst) {

  public AccessSettings {
    if (authNone && keysFile != null) {
      throw new ConfigException(
          "tokentally.http.auth=none turns keys off, yet tokentally.http.keys.file is set; choose"
              + " one");
    }
  }

  /** How the listener is exposed, following from the settings. */
  public enum Exposure {
    /** Keys required, every interface. */
    KEYS,
    /** No keys configured: no authentication, loopback only. */
    LOOPBACK,
    /** Explicitly no authentication, every interface. */
    OPEN
  }

  public static AccessSettings loopbackOnly() {
    return new AccessSettings(false, null, null, 0, 1);
  }

  public Exposure exposure() {
    if (authNone) {
      return Exposure.OPEN;
    }
    return keysFile == null ? Exposure.LOOPBACK : Exposure.KEYS;
  }

  @Override
  public String toString() {
    return "AccessSettings[exposure="
        + exposure()
        + ", keysFile="
        + keysFile
        + ", clusterSecret="
        + (clusterSecret == null ? "none" : "(set)")
        + ", ratePerSecond="
        + ratePerSecond
        + ", burst="
        + burst
        + "]";
  }
}
