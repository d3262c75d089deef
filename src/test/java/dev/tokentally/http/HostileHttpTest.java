package dev.tokentally.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokentally.access.AccessSettings;
import dev.tokentally.access.KeysFile;
import dev.tokentally.access.Scope;
import dev.tokentally.access.Secrets;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.usage.UsageSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of requests that must not get in: forged, truncated, oversized, repeated and mis-scoped
 * credentials, user keys on the peer endpoint, path tricks, and request smuggling over a raw
 * socket. None may get a 200, and afterwards the server still answers its own callers.
 */
class HostileHttpTest {
  private static final String PIPELINED_BEHIND_PROBE = "GET /health/live HTTP/1.1\r\nHost: x\r\n";
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.1 (\\d{3})");
  @TempDir Path dir;

  @Test
  void givesNoUnauthorisedCallerA200AndStaysHealthy() throws Exception {
    String count = Secrets.newKey();
    String teamA = Secrets.newKey();
    String metrics = Secrets.newKey();
    String all = Secrets.newKey();
    Path keys = dir.resolve("keys");
    Files.writeString(
        keys,
        String.join(
            "\n",
            KeysFile.line(count, EnumSet.of(Scope.COUNT), List.of(), "count"),
            KeysFile.line(teamA, EnumSet.of(Scope.USAGE), List.of("team-a/"), "team-a"),
            KeysFile.line(metrics, EnumSet.of(Scope.METRICS), List.of(), "metrics"),
            KeysFile.line(all, EnumSet.allOf(Scope.class), List.of(), "all")));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hostile");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    try (KafkaStreams streams = new KafkaStreams(builder.build(), props);
        HttpService server =
            HttpService.start(
                new HttpSettings(
                    0,
                    1 << 20,
                    8,
                    new AccessSettings(false, keys, "the-cluster-secret", 0, 1),
                    TlsSettings.OFF),
                RequestCounting.withDefaults(),
                RequestMetrics.discarding(),
                new UsageSource(
                    streams,
                    "hostile",
                    null,
                    new UsageSettings(
                        List.of(Duration.ofMinutes(1)),
                        Duration.ofMinutes(1),
                        Duration.ofDays(1),
                        false,
                        Duration.ofSeconds(1))),
                Health.UP,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))) {
      String base = "http://127.0.0.1:" + server.port();
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
      SplittableRandom random = new SplittableRandom(7);
      List<String> paths =
          List.of(
              "/metrics",
              "/METRICS",
              "//metrics",
              "/metrics/",
              "/metrics;a=b",
              "/./metrics",
              "/health/live/../../metrics",
              "/health/ready/%2e%2e/%2e%2e/metrics",
              "/health/live%2f..%2f..%2fmetrics",
              "/usage/names/..%2f",
              "/usage/names/..%2f..%2fmetrics",
              "/usage/names/team-b%2fsecret",
              "/usage/names/team-b/secret/models",
              "/usage/names/%74eam-b/x",
              "/usage/models",
              "/usage/models/claude-3-5-sonnet",
              "/usage/names/team-a%2f..%2fteam-b",
              "/internal/usage/by-name?selector=ALL&partitions=0",
              "/internal/usage/by-name?selector=ALL&partitions=0&key=" + all);
      List<String[]> credentials = new ArrayList<>();
      credentials.add(new String[] {});
      credentials.add(new String[] {"x-api-key", count.substring(0, count.length() - 1)});
      credentials.add(new String[] {"x-api-key", count.substring(0, 10)});
      credentials.add(new String[] {"x-api-key", count + "A"});
      credentials.add(new String[] {"x-api-key", "A".repeat(10_000)});
      credentials.add(new String[] {"x-api-key", count, "x-api-key", Secrets.newKey()});
      credentials.add(new String[] {"x-goog-api-key", metrics, "Authorization", "Bearer " + all});
      credentials.add(new String[] {"Authorization", "Basic " + all});
      credentials.add(new String[] {"Authorization", "Bearer"});
      credentials.add(new String[] {"Authorization", "Bearer " + all + " " + all});
      credentials.add(new String[] {"x-api-key", "\u00e9" + all});
      credentials.add(new String[] {"tokentally-cluster-secret", "the-cluster-secret!"});
      credentials.add(new String[] {"tokentally-cluster-secret", all});
      credentials.add(new String[] {"x-api-key", count});
      credentials.add(new String[] {"x-api-key", teamA});
      TreeMap<Integer, Integer> statuses = new TreeMap<>();
      List<String> admitted = new ArrayList<>();
      for (int i = 0; i < 3_000; i++) {
        String path = paths.get(random.nextInt(paths.size()));
        String[] headers = credentials.get(random.nextInt(credentials.size()));
        boolean post = random.nextInt(4) == 0;
        if (post && headers.length == 2 && headers[1].equals(count)) {
          // The count key on a POST is allowed: every POST path is a count route.
          continue;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path));
        if (headers.length > 0) {
          request.headers(headers);
        }
        if (post) {
          request.POST(HttpRequest.BodyPublishers.ofString(HttpAccessTest.CLAUDE));
        }
        int status;
        try {
          status = http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
          status = -1;
        }
        statuses.merge(status, 1, Integer::sum);
        if (status == 200) {
          admitted.add((post ? "POST " : "GET ") + path + " " + String.join(" ", headers));
        }
      }
      List<String> raw = rawAttempts(count, metrics);
      for (String attempt : raw) {
        List<Integer> answers = send(server.port(), attempt);
        // The one open request in the mix: a probe with a scrape pipelined behind it.
        if (attempt.startsWith(PIPELINED_BEHIND_PROBE) && !answers.isEmpty()) {
          assertThat(answers.get(0)).isEqualTo(200);
          answers = answers.subList(1, answers.size());
        }
        for (int status : answers) {
          statuses.merge(status, 1, Integer::sum);
          if (status == 200) {
            admitted.add("raw: " + attempt.lines().findFirst().orElse(""));
          }
        }
      }

      assertThat(admitted).as("requests let in; statuses " + statuses).isEmpty();
      assertThat(statuses.keySet()).doesNotContain(500);
      assertThat(statuses.values().stream().mapToInt(Integer::intValue).sum()).isGreaterThan(2_000);
      HttpResponse<String> live =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/health/live")).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
      HttpResponse<String> counted =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/messages/count_tokens"))
                  .header("x-api-key", count)
                  .POST(HttpRequest.BodyPublishers.ofString(HttpAccessTest.CLAUDE))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(counted.statusCode()).isEqualTo(200);
      assertThat(counted.body()).contains("\"input_tokens\":14");
    }
  }

  /** Request smuggling and malformed framing, written as bytes, each on its own connection. */
  private static List<String> rawAttempts(String count, String metrics) {
    String cl = "Content-Length: 0\r\n";
    return List.of(
        "GET /metrics HTTP/1.1\r\nHost: x\r\nx-api-key: " + count + "\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n"
            + "\r\n0\r\n\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\nx-api-key: "
            + metrics
            + "\r\n x-api-key: folded\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\nx-api-key : " + metrics + "\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\nx-api-key: " + metrics + "\rx\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\nx-api-key: " + metrics + "\u0000\r\n\r\n",
        "GET /metrics HTTP/1.0\r\nx-api-key:" + metrics.substring(1) + "\r\n\r\n",
        PIPELINED_BEHIND_PROBE + cl + "\r\nGET /metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health/live/../metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /health/live/%2e%2e/%2e%2e/metrics HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET http://x/metrics HTTP/1.1\r\nHost: y\r\n\r\n",
        "GET /usage/names/..%2f HTTP/1.1\r\nHost: x\r\n\r\n",
        "POST /v1/messages/count_tokens HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            + "Transfer-Encoding: identity\r\nx-api-key: wrong\r\n\r\n0\r\n\r\n",
        "GET /metrics HTTP/1.1\r\nHost: x\r\n" + "x-pad: " + "a".repeat(70_000) + "\r\n\r\n");
  }

  /** Every status line the server sent back on one connection, until it closed or went quiet. */
  private static List<Integer> send(int port, String request) throws Exception {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(2_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream read = s.getInputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = read.read(buf)) > 0; ) {
          in.write(buf, 0, n);
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // The server kept the connection open, or reset it; what it sent is in.
      }
    }
    List<Integer> statuses = new ArrayList<>();
    Matcher m = STATUS.matcher(in.toString(StandardCharsets.ISO_8859_1));
    while (m.find()) {
      statuses.add(Integer.parseInt(m.group(1)));
    }
    return statuses;
  }
}
