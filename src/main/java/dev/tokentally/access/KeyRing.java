package dev.tokentally.access;

import dev.tokentally.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys in force, read from the keys file and read again whenever its contents change (a
 * Kubernetes Secret update, a rotation), without a restart. A file that no longer parses leaves the
 * previous keys in force and says why in the log, by line number only.
 */
public final class KeyRing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KeyRing.class);
  private static final long RELOAD_EVERY_MS = 2_000;

  private final Path file;
  private final ScheduledExecutorService reloader;
  private volatile List<ApiKey> keys;
  private volatile byte[] loaded;

  private KeyRing(Path file, List<ApiKey> keys, byte[] loaded, boolean watch) {
    this.file = file;
    this.keys = keys;
    this.loaded = loaded;
    if (watch) {
      reloader =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "tokentally-keys-reload");
                t.setDaemon(true);
                return t;
              });
      reloader.scheduleWithFixedDelay(
          this::reload, RELOAD_EVERY_MS, RELOAD_EVERY_MS, TimeUnit.MILLISECONDS);
    } else {
      reloader = null;
    }
  }

  /** Reads the file now; a file that cannot be read or parsed stops the start. */
  public static KeyRing watching(Path file) {
    byte[] bytes = read(file);
    return new KeyRing(
        file, KeysFile.parse(new String(bytes, StandardCharsets.UTF_8)), bytes, true);
  }

  /** Fixed keys, for tests and tools. */
  public static KeyRing of(List<ApiKey> keys) {
    return new KeyRing(null, List.copyOf(keys), new byte[0], false);
  }

  /**
   * The key a caller presented, if it is one of ours. The presented key is hashed once and compared
   * with every configured hash, without stopping at a match, so timing tells nothing.
   */
  public Optional<ApiKey> match(String presented) {
    byte[] hash = Secrets.sha256(presented);
    ApiKey found = null;
    for (ApiKey key : keys) {
      if (Secrets.same(hash, key.sha256()) && found == null) {
        found = key;
      }
    }
    return Optional.ofNullable(found);
  }

  public int size() {
    return keys.size();
  }

  void reload() {
    try {
      byte[] bytes = Files.readAllBytes(file);
      if (Arrays.equals(bytes, loaded)) {
        return;
      }
      List<ApiKey> parsed = KeysFile.parse(new String(bytes, StandardCharsets.UTF_8));
      keys = parsed;
      loaded = bytes;
      log.info("keys file {} reloaded: {} keys", file, parsed.size());
    } catch (IOException | ConfigException e) {
      log.error("keys file {} not reloaded, the previous keys stay: {}", file, e.getMessage());
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read keys file " + file + ": " + e.getMessage());
    }
  }

  @Override
  public void close() {
    if (reloader != null) {
      reloader.shutdownNow();
    }
  }
}
