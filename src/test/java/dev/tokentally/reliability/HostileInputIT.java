package dev.tokentally.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.HostileWorkload;
import dev.tokentally.testing.HttpGet;
import dev.tokentally.testing.PacedProducer;
import dev.tokentally.testing.PerClassBroker;
import dev.tokentally.testing.PrometheusText;
import dev.tokentally.testing.TopicIo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenarios 4 and 5 (docs/reliability.md), on one running jar: hostile records (every
 * one carrying credentials in its headers, some in bodies, query strings and malformed JSON) and
 * HTTP requests with credentials. The application stays up, every bad record reaches the
 * dead-letter topic with its code and payload, no valid record is rejected, and no credential is
 * found in any topic (aborted data included), any log line or the metrics.
 *
 * <p>CI: 3,000 light records and 2 of each heavy kind (1 MB strings, 10 MB bodies). Full size:
 * {@code ./mvnw verify -Preliability-full} (docs/reliability.md).
 */
class HostileInputIT {
  private static final int RECORDS =
      Integer.getInteger("tokentally.reliability.hostile.records", 3_000);
  private static final int HEAVY = Integer.getInteger("tokentally.reliability.hostile.heavy", 2);
  private static final long SEED = Long.getLong("tokentally.reliability.seed", 42);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final byte[] CANARY = HostileWorkload.CANARY.getBytes(StandardCharsets.UTF_8);

  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @TempDir Path workDir;

  @Test
  void hostileRecordsAndCredentialsLeaveTheAppUpAndNothingSecretBehind() throws Exception {
    int port = FreePort.find();
    Map<String, String> env =
        AppEnvironment.on(
            broker.bootstrapServers(),
            "tokentally-hostile-" + UUID.randomUUID().toString().substring(0, 8),
            workDir.resolve("state"));
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
    // tokentally's own debug lines too: a credential must not be in any line, at any level.
    env.put("JAVA_TOOL_OPTIONS", "-Dorg.slf4j.simpleLogger.log.dev.tokentally=debug");
    AppConfig config = ConfigLoader.load(null, env);
    HostileWorkload workload =
        HostileWorkload.generate(config.topics().requests(), RECORDS, HEAVY, SEED);
    String base = "http://localhost:" + port;

    try (ChildApp app = new ChildApp("tokentally", workDir, "512m", env)) {
      app.start(Duration.ofSeconds(60));
      long started = System.nanoTime();
      try (PacedProducer producer =
          PacedProducer.start(broker.bootstrapServers(), workload.records(), 5_000)) {
        producer.awaitDone();
      }
      Map<String, Integer> perKind =
          workload.verify(
              broker.bootstrapServers(), config.topics().enriched(), config.topics().deadLetter());
      double seconds = (System.nanoTime() - started) / 1e9;

      List<String> httpStatuses = sendCredentialsOverHttp(base);

      assertThat(app.isAlive()).as("the application stays up").isTrue();
      assertThat(HttpGet.status(base + "/health/ready")).isEqualTo(200);
      assertThat(app.output())
          .noneMatch(l -> l.contains("OutOfMemoryError"))
          .noneMatch(l -> l.contains("to ERROR") || l.contains("PENDING_ERROR"));

      // Scenario 5: no credential anywhere.
      AtomicLong scanned = new AtomicLong();
      List<String> leaks = new ArrayList<>();
      TopicIo.forEveryRecord(
          broker.bootstrapServers(),
          r -> {
            if (r.topic().equals(config.topics().requests())) {
              return; // the input: the gateway's record, not ours
            }
            scanned.incrementAndGet();
            String where = r.topic() + "/" + r.partition() + "@" + r.offset();
            if (contains(r.key()) || contains(r.value()) || containsBase64Payload(r.value())) {
              leaks.add(where + ": " + around(r.value()));
            }
            for (Header h : r.headers()) {
              if (contains(h.value())) {
                leaks.add(where + " header " + h.key());
              }
            }
          });
      assertThat(leaks).as("records carrying a credential").isEmpty();
      assertThat(scanned.get()).isGreaterThan(workload.records().size());
      List<String> logLines =
          app.output().stream().filter(l -> l.contains(HostileWorkload.CANARY)).toList();
      assertThat(logLines).as("log lines carrying a credential").isEmpty();
      String scrape = HttpGet.body(base + "/metrics");
      assertThat(scrape).doesNotContain(HostileWorkload.CANARY);
      assertBoundedLabels(scrape);

      System.out.printf(
          "hostile input: %d records (%d bad) in %.1f s, app up throughout; per kind %s; HTTP %s;"
              + " %d output records in %d topics (all but the input), %d log lines and the scrape"
              + " scanned: no credential%n",
          workload.records().size(),
          workload.bad(),
          seconds,
          perKind,
          httpStatuses,
          scanned.get(),
          topicsOf(broker.bootstrapServers()) - 1,
          app.output().size());
      assertThat(app.stop()).isZero();
    }
  }

  /** Credentials in headers, bodies and query strings; answers must not repeat them. */
  private static List<String> sendCredentialsOverHttp(String base) throws Exception {
    String canary = HostileWorkload.CANARY + "-http";
    String claude =
        "{\"model\":\"claude-3-5-sonnet-20241022\",\"custom_model_credentials\":{\"identifier\":\"x\","
            + "\"api_key\":\""
            + canary
            + "\"},\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";
    String unquoted =
        "{\"model\":\"claude-3-5-sonnet-20241022\",\"api_key\": "
            + canary
            + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";
    String gemini =
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"What is Kafka?\"}]}]}";
    List<String> statuses = new ArrayList<>();
    // path, body, expected status
    List<List<String>> requests =
        List.of(
            List.of("/v1/messages/count_tokens", claude, "200"),
            List.of("/anthropic/v1/messages/count_tokens", unquoted, "400"),
            List.of("/v1beta/models/gemini-2.5-flash:countTokens?key=" + canary, gemini, "200"),
            List.of("/v1beta/models/gemini-2.5-flash:countTokens?key=" + canary, "{bad", "400"),
            List.of("/v1/unknown?key=" + canary, gemini, "404"));
    for (List<String> r : requests) {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + r.get(0)))
                  .header("x-api-key", "sk-ant-" + canary)
                  .header("authorization", "Bearer " + canary)
                  .header("x-goog-api-key", "AIza" + canary)
                  .header("content-type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(r.get(1)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(r.get(0)).isEqualTo(Integer.parseInt(r.get(2)));
      assertThat(response.body()).as(r.get(0)).doesNotContain(HostileWorkload.CANARY);
      assertThat(response.headers().map().toString()).doesNotContain(HostileWorkload.CANARY);
      statuses.add(String.valueOf(response.statusCode()));
    }
    return statuses;
  }

  /** Every tokentally label value is at most 64 chars, and function names are capped. */
  private static void assertBoundedLabels(String scrape) {
    Set<String> names = new HashSet<>();
    for (PrometheusText.Sample s : PrometheusText.parse(scrape)) {
      if (s.name().startsWith("tokentally_")) {
        s.labels()
            .values()
            .forEach(v -> assertThat(v.length()).as(s.name()).isLessThanOrEqualTo(64));
        if (s.labels().containsKey("name")) {
          names.add(s.labels().get("name"));
        }
      }
    }
    // 100 first-seen names, plus "other" and "(unnamed)".
    assertThat(names).contains("other").hasSizeLessThanOrEqualTo(102);
  }

  private static boolean contains(byte[] bytes) {
    if (bytes == null) {
      return false;
    }
    outer:
    for (int i = 0; i <= bytes.length - CANARY.length; i++) {
      for (int j = 0; j < CANARY.length; j++) {
        if (bytes[i + j] != CANARY[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }

  /** The text next to the canary, to show where it leaked. */
  private static String around(byte[] value) {
    String text = value == null ? "" : new String(value, StandardCharsets.UTF_8);
    int at = text.indexOf(HostileWorkload.CANARY);
    return at < 0 ? "(in base64 payload)" : text.substring(Math.max(0, at - 80), at + 20);
  }

  /** Dead letters keep non-UTF-8 payloads as base64, which a plain byte scan cannot see into. */
  private static boolean containsBase64Payload(byte[] value) {
    if (value == null || value.length == 0 || value[0] != '{') {
      return false;
    }
    try {
      JsonNode b64 = MAPPER.readTree(value).at("/meta/payload_base64");
      return b64.isTextual() && contains(Base64.getDecoder().decode(b64.asText()));
    } catch (Exception e) {
      return false;
    }
  }

  private static int topicsOf(String bootstrap) throws Exception {
    try (var admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      return admin.listTopics().names().get().size();
    }
  }
}
