package dev.tokentally.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.usage.UsageQuery;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.state.HostInfo;

/** Asks another instance for its part of a usage query, over its internal endpoint. */
final class PeerClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client;
  private final String scheme;
  private final String clusterSecret;

  /**
   * @param tls the context peers are reached with over HTTPS, or null for plain HTTP
   * @param clusterSecret sent with every question, or null when none is configured
   */
  PeerClient(SSLContext tls, String clusterSecret) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
    if (tls != null) {
      builder.sslContext(tls);
    }
    this.client = builder.build();
    this.scheme = tls == null ? "http://" : "https://";
    this.clusterSecret = clusterSecret;
  }

  CompletableFuture<ObjectNode> ask(HostInfo host, UsageQuery q, Set<Integer> partitions) {
    StringBuilder uri =
        new StringBuilder(scheme)
            .append(host.host())
            .append(':')
            .append(host.port())
            .append(UsageEndpoints.INTERNAL_PATH)
            .append(q.dimension().id())
            .append("?selector=")
            .append(q.selector().name())
            .append("&window=")
            .append(encode(q.window()))
            .append("&partitions=")
            .append(partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
    if (q.key() != null) {
      uri.append("&key=").append(encode(q.key()));
    }
    if (!q.allTime()) {
      uri.append("&from=").append(q.from()).append("&to=").append(q.to());
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(uri.toString())).timeout(PEER_TIMEOUT).GET();
    if (clusterSecret != null) {
      request.header(Guard.PEER_HEADER, clusterSecret);
    }
    return client
        .sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw Refusals.unavailable(
                    "instance "
                        + UsageCluster.label(host)
                        + " answered "
                        + response.statusCode()
                        + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
              }
              try {
                return (ObjectNode) MAPPER.readTree(response.body());
              } catch (IOException e) {
                throw Refusals.unavailable(
                    "instance "
                        + UsageCluster.label(host)
                        + " sent unreadable JSON: "
                        + e.getMessage());
              }
            });
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
