package dev.tokentally.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Plain GETs against a running tokentally: a page's body, or just its status. */
public final class HttpGet {
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private HttpGet() {}

  public static String body(String url, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  public static int status(String url) throws IOException, InterruptedException {
    return HTTP.send(request(url), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static HttpRequest request(String url) {
    return HttpRequest.newBuilder(URI.create(url)).GET().build();
  }
}
