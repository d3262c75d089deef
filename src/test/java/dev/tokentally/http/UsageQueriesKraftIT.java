package dev.tokentally.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * Two instances of one application on a real broker, each holding half of the usage partitions.
 * Every usage endpoint, asked on either instance, must answer for every key with the totals of the
 * enriched records that were actually written.
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

  private AppConfig config(String suffix, String instance, int port) {
    Map<String, String> env =
        AppEnvironment.on(
            broker.bootstrapServers(), "tokentally-iq-" + suffix, stateDirs.resolve(instance));
    env.put("KAFKA_APPLICATION_SERVER", "localhost:" + port);
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
    env.put("TOKENTALLY_TOPICS_PARTITIONS", "4");
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
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(unknownWindow.statusCode()).isEqualTo(400);

      for (int port : List.of(portA, portB)) {
        assertThat(HttpGet.status("http://localhost:" + port + "/health/live")).isEqualTo(200);
        assertThat(HttpGet.status("http://localhost:" + port + "/health/ready")).isEqualTo(200);
      }
      String scrape = HttpGet.body("http://" + hostA + "/metrics");
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
    return UsageAnswer.get(url, Duration.ofSeconds(10));
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
