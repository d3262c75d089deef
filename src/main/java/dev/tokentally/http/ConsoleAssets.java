package dev.tokentally.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The usage console's files, read from the jar once at start and served as they are: a fixed set of
 * names, so no request path ever reaches the class path. They hold no data and need no key; the
 * page asks for one and sends it with every data request it makes.
 */
final class ConsoleAssets {
  private static final Map<String, String> TYPES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "console.js", "text/javascript; charset=utf-8",
          "console.css", "text/css; charset=utf-8");

  /** Scripts and styles from this origin only; data from this origin only. */
  private static final String POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'"
          + " data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

  private final Map<String, byte[]> files;

  private ConsoleAssets(Map<String, byte[]> files) {
    this.files = files;
  }

  static ConsoleAssets load() {
    Map<String, byte[]> files = new java.util.HashMap<>();
    for (String name : TYPES.keySet()) {
      try (InputStream in = ConsoleAssets.class.getResourceAsStream("/console/" + name)) {
        if (in == null) {
          throw new IllegalStateException("console file missing from the jar: " + name);
        }
        files.put(name, in.readAllBytes());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ConsoleAssets(Map.copyOf(files));
  }

  void index(Context ctx) {
    serve(ctx, "index.html");
  }

  void file(Context ctx) {
    serve(ctx, ctx.pathParam("file"));
  }

  private void serve(Context ctx, String name) {
    byte[] body = files.get(name);
    if (body == null) {
      throw HttpService.notFound(ctx);
    }
    ctx.header("Content-Security-Policy", POLICY);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "no-referrer");
    ctx.header("Cache-Control", "no-cache");
    ctx.contentType(TYPES.get(name)).result(body);
  }
}
