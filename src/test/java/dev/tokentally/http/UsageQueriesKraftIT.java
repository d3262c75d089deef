package dev.tokentally.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.access.KeysFile;
import dev.tokentally.access.Scope;
import dev.tokentally.access.Secrets;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.Application;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.HttpGet;
import dev.tokentally.testing.PerClassBroker;
import dev.tokentally.testing.PrometheusText;
import dev.tokentally.testing.TopicIo;
import dev.tokentally.testing.UsageAnswer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances of one application on a real broker, each holding half of the usage partitions,
 * with API keys required. Every usage endpoint, asked on either instance, must answer for every key
 * with the totals of the enriched records that were actually written; a key limited to some names
 * must see exactly those names' totals, whichever instance holds them; the endpoint the instances
 * ask each other must take only the cluster secret.
 */
class UsageQueriesKraftIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int RECORDS = 2_000;
  private static final List<String> NAMES =
      List.of("summarise", "classify", "résumé writer", "chat", "extract", "translate");
  private static final List<String> MODELS =
      List.of("claude-sonnet-4-5", "claude-haiku-4-5", "gemini-2.5-flash");

  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @TempDir Path stateDirs;

  private static final String KEY = Secrets.newKey();
  private static final String TEAM_KEY = Secrets.newKey();
  private static final String COUNT_KEY = Secrets.newKey();
  private static final String CLUSTER_SECRET = "iq-cluster-" + UUID.randomUUID();

  /** The team key sees names starting with these: classify, chat and translate. */
  private static final List<String> TEAM_PREFIXES = List.of("c", "tr");

  private Path keysFile() throws IOException {
    Path file = stateDirs.resolve("keys");
    if (!Files.exists(file)) {
      Files.writeString(
          file,
          KeysFile.line(KEY, EnumSet.of(Scope.USAGE, Scope.METRICS), List.of(), "ops")
              + "\n"
              + KeysFile.line(TEAM_KEY, EnumSet.of(Scope.USAGE), TEAM_PREFIXES, "team")
              + "\n"
              + KeysFile.line(COUNT_KEY, EnumSet.of(Scope.COUNT), List.of(), "count"));
    }
    return file;
  }

  private AppConfig config(String suffix, String instance, int port) throws IOException {
    Map<String, String> env =
        AppEnvironment.on(
            broker.bootstrapServers(), "tokentally-iq-" + suffix, stateDirs.resolve(instance));
    env.put("KAFKA_APPLICATION_SERVER", "localhost:" + port);
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
    env.put("TOKENTALLY_TOPICS_PARTITIONS", "4");
    env.put("TOKENTALLY_HTTP_KEYS_FILE", keysFile().toString());
    env.put("TOKENTALLY_HTTP_CLUSTER_SECRET", CLUSTER_SECRET);
    return ConfigLoader.load(null, env);
  }

  @Test
  void eitherInstanceAnswersForEveryKeyWithTheTotalsOfWhatWasWritten() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    int portA = FreePort.find();
    int portB = FreePort.find();
    AppConfig configA = config(suffix, "a", portA);
    AppConfig configB = config(suffix, "b", portB);

    try (Application a = Application.start(configA);
        Application b = Application.start(configB)) {
      List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
      for (int i = 0; i < RECORDS; i++) {
        String model = MODELS.get(i % MODELS.size());
        String name = NAMES.get((i / MODELS.size()) % NAMES.size());
        String text = "request " + i + " " + "lorem ipsum ".repeat(i % 17);
        String body =
            model.startsWith("claude")
                ? "{\"model\":\""
                    + model
                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + text
                    + "\"}]}"
                : "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}";
        RecordHeaders headers = new RecordHeaders();
        headers.add("X-Opper-Name", name.getBytes(StandardCharsets.UTF_8));
        if (!model.startsWith("claude")) {
          headers.add("X-Tokentally-Model", model.getBytes(StandardCharsets.UTF_8));
        }
        records.add(
            new ProducerRecord<>(
                configA.topics().requests(),
                null,
                ("id-" + i).getBytes(StandardCharsets.UTF_8),
                body.getBytes(StandardCharsets.UTF_8),
                headers));
      }
      TopicIo.send(broker.bootstrapServers(), records);
      List<ConsumerRecord<byte[], byte[]>> enriched =
          TopicIo.readCommitted(
              broker.bootstrapServers(),
              List.of(configA.topics().enriched()),
              RECORDS,
              Duration.ofSeconds(180),
              Duration.ofSeconds(1));
      assertThat(enriched).hasSize(RECORDS);

      Map<String, long[]> byModel = new TreeMap<>();
      Map<String, long[]> byName = new TreeMap<>();
      Map<String, long[]> byNameModel = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : enriched) {
        JsonNode e = MAPPER.readTree(r.value());
        long tokens =
            e.has("input_tokens") ? e.get("input_tokens").asLong() : e.get("totalTokens").asLong();
        String model = e.get("model").asText();
        String name = e.get("name").asText();
        add(byModel, model, tokens);
        add(byName, name, tokens);
        add(byNameModel, name + "|" + model, tokens);
      }

      String hostA = "localhost:" + portA;
      String hostB = "localhost:" + portB;
      awaitBothRunning(a, b);
      for (int port : List.of(portA, portB)) {
        String base = "http://localhost:" + port;
        UsageAnswer models = awaitTotals(base + "/usage/models", byModel, "model");
        assertThat(models.answeredBy()).containsExactlyInAnyOrder(hostA, hostB);
        UsageAnswer names = awaitTotals(base + "/usage/names", byName, "name");
        assertThat(names.answeredBy()).containsExactlyInAnyOrder(hostA, hostB);

        for (String name : NAMES) {
          String path = "/usage/names/" + encode(name);
          assertThat(totals(get(base + path), "name")).containsExactly(entry(byName, name));
          Map<String, long[]> mine = new TreeMap<>();
          byNameModel.forEach(
              (k, v) -> {
                if (k.startsWith(name + "|")) {
                  mine.put(k.substring(name.length() + 1), v);
                }
              });
          assertThat(totals(get(base + path + "/models"), "model"))
              .containsExactlyInAnyOrderEntriesOf(flatten(mine));
        }
        List<String> owners = new ArrayList<>();
        for (String model : MODELS) {
          UsageAnswer one = get(base + "/usage/models/" + model);
          assertThat(totals(one, "model")).containsExactly(entry(byModel, model));
          owners.addAll(one.answeredBy());
          // Windowed totals over the run add up to the all-time ones.
          for (String window : List.of("1m", "1h")) {
            UsageAnswer windows =
                get(
                    base
                        + "/usage/models/"
                        + model
                        + "?window="
                        + window
                        + "&from="
                        + Instant.now().minus(Duration.ofHours(3))
                        + "&to="
                        + Instant.now());
            long requests = 0;
            for (JsonNode r : windows.records()) {
              assertThat(r.get("window").asText()).isEqualTo(window);
              requests += r.get("requests").asLong();
            }
            assertThat(requests).isEqualTo(byModel.get(model)[0]);
          }
        }
        assertThat(owners)
            .as("single-key queries are answered where the key lives, on both instances")
            .contains(hostA, hostB);
      }

      HttpResponse<String> unknownWindow =
          HTTP.send(
              HttpRequest.newBuilder(URI.create("http://" + hostA + "/usage/models?window=5m"))
                  .header("x-api-key", KEY)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unknownWindow.statusCode()).isEqualTo(400);

      for (int port : List.of(portA, portB)) {
        assertThat(HttpGet.status("http://localhost:" + port + "/health/live")).isEqualTo(200);
        assertThat(HttpGet.status("http://localhost:" + port + "/health/ready")).isEqualTo(200);
      }
      assertScopedKeySeesOnlyItsNames(List.of(portA, portB), byName, byNameModel);
      assertPeerEndpointTakesOnlyTheClusterSecret(portA);

      String scrape = HttpGet.body("http://" + hostA + "/metrics", "x-api-key", KEY);
      List<PrometheusText.Sample> samples = PrometheusText.parse(scrape);
      assertThat(samples)
          .extracting(PrometheusText.Sample::name)
          .contains(
              "tokentally_input_tokens_total",
              "tokentally_requests_total",
              "tokentally_count_duration_seconds_bucket",
              "tokentally_count_cache_hit_ratio",
              "kafka_stream_thread_process_total",
              "jvm_memory_used_bytes",
              "process_cpu_usage");
      String promtool = PrometheusText.promtoolCheck(scrape);
      // 0: clean; 3: lint advice only (Kafka's own metric names); 1 would be a format error.
      assertThat(promtool.substring(0, 2)).isIn("0\n", "3\n");
      assertThat(promtool).doesNotContain("tokentally_").doesNotContain("error");
    }
  }

  private static void awaitBothRunning(Application a, Application b) throws InterruptedException {
    Instant deadline = Instant.now().plusSeconds(120);
    while (Instant.now().isBefore(deadline)) {
      if (a.state() == KafkaStreams.State.RUNNING && b.state() == KafkaStreams.State.RUNNING) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError("instances not RUNNING: " + a.state() + ", " + b.state());
  }

  /** Polls until the listing equals the expected totals: aggregation runs behind the output. */
  private static UsageAnswer awaitTotals(String url, Map<String, long[]> expected, String field)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    UsageAnswer last = null;
    while (Instant.now().isBefore(deadline)) {
      last = get(url);
      if (totals(last, field).equals(flatten(expected))) {
        return last;
      }
      Thread.sleep(500);
    }
    assertThat(last).isNotNull();
    assertThat(totals(last, field)).isEqualTo(flatten(expected));
    return last;
  }

  /** A 503 is asked again for 10 s (50 tries 200 ms apart, as before). */
  private static UsageAnswer get(String url) throws Exception {
    return UsageAnswer.get(url, Duration.ofSeconds(10), "x-api-key", KEY);
  }

  private static boolean team(String name) {
    return TEAM_PREFIXES.stream().anyMatch(name::startsWith);
  }

  private static int status(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static void assertScopedKeySeesOnlyItsNames(
      List<Integer> ports, Map<String, long[]> byName, Map<String, long[]> byNameModel)
      throws Exception {
    Map<String, long[]> teamNames = new TreeMap<>();
    byName.forEach(
        (name, v) -> {
          if (team(name)) {
            teamNames.put(name, v);
          }
        });
    assertThat(teamNames).hasSize(3);
    for (int port : ports) {
      String base = "http://localhost:" + port;
      UsageAnswer listing =
          UsageAnswer.get(base + "/usage/names", Duration.ofSeconds(10), "x-api-key", TEAM_KEY);
      assertThat(totals(listing, "name")).isEqualTo(flatten(teamNames));
      assertThat(listing.answeredBy()).hasSize(2);
      for (String name : NAMES) {
        String path = base + "/usage/names/" + encode(name);
        if (team(name)) {
          UsageAnswer one = UsageAnswer.get(path, Duration.ofSeconds(10), "x-api-key", TEAM_KEY);
          assertThat(totals(one, "name")).containsExactly(entry(byName, name));
          UsageAnswer models =
              UsageAnswer.get(path + "/models", Duration.ofSeconds(10), "x-api-key", TEAM_KEY);
          assertThat(models.records())
              .isNotEmpty()
              .allMatch(r -> r.get("name").asText().equals(name));
        } else {
          assertThat(status(path, "x-api-key", TEAM_KEY)).as(name).isEqualTo(404);
          assertThat(status(path + "/models", "x-api-key", TEAM_KEY)).as(name).isEqualTo(404);
        }
      }
      // Every usage route: no key and a wrong key 401, a key without the usage scope 403.
      for (String route :
          List.of(
              "/usage/models",
              "/usage/models/" + MODELS.get(0),
              "/usage/names",
              "/usage/names/chat",
              "/usage/names/chat/models")) {
        assertThat(status(base + route)).as(route).isEqualTo(401);
        assertThat(status(base + route, "x-api-key", Secrets.newKey())).as(route).isEqualTo(401);
        assertThat(status(base + route, "x-api-key", COUNT_KEY)).as(route).isEqualTo(403);
        assertThat(status(base + route, "x-api-key", KEY)).as(route).isEqualTo(200);
      }
      // By model sums every name: refused to a key that sees only some of them.
      assertThat(status(base + "/usage/models", "x-api-key", TEAM_KEY)).isEqualTo(403);
      assertThat(status(base + "/usage/models/" + MODELS.get(0), "x-api-key", TEAM_KEY))
          .isEqualTo(403);
      assertThat(status(base + "/metrics", "x-api-key", TEAM_KEY)).isEqualTo(403);
      assertThat(status(base + "/usage/names")).isEqualTo(401);
    }
    assertThat(byNameModel).isNotEmpty();
  }

  private static void assertPeerEndpointTakesOnlyTheClusterSecret(int port) throws Exception {
    String internal =
        "http://localhost:" + port + "/internal/usage/by-name?selector=ALL&partitions=0";
    assertThat(status(internal)).isEqualTo(401);
    assertThat(status(internal, "x-api-key", KEY)).as("a user key").isEqualTo(401);
    assertThat(status(internal, "Authorization", "Bearer " + KEY)).isEqualTo(401);
    assertThat(status(internal, "tokentally-cluster-secret", KEY)).isEqualTo(401);
    assertThat(status(internal, "tokentally-cluster-secret", CLUSTER_SECRET + "x")).isEqualTo(401);
    int owned = status(internal, "tokentally-cluster-secret", CLUSTER_SECRET);
    assertThat(owned).as("the cluster secret is let in").isIn(200, 503);
  }

  /** key -> "requests/tokens" of the all-time records, rejected ones are not expected here. */
  private static Map<String, String> totals(UsageAnswer answer, String field) {
    Map<String, String> out = new TreeMap<>();
    for (JsonNode r : answer.records()) {
      assertThat(r.get("window").asText()).isEqualTo("all");
      out.put(
          r.get(field).asText(), r.get("requests").asLong() + "/" + r.get("input_tokens").asLong());
    }
    return out;
  }

  private static Map<String, String> flatten(Map<String, long[]> totals) {
    Map<String, String> out = new TreeMap<>();
    totals.forEach((k, v) -> out.put(k, v[0] + "/" + v[1]));
    return out;
  }

  private static Map.Entry<String, String> entry(Map<String, long[]> totals, String key) {
    long[] v = totals.get(key);
    return Map.entry(key, v[0] + "/" + v[1]);
  }

  private static void add(Map<String, long[]> totals, String key, long tokens) {
    long[] v = totals.computeIfAbsent(key, k -> new long[2]);
    v[0]++;
    v[1] += tokens;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
