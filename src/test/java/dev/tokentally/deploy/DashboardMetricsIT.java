package dev.tokentally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.Application;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.HttpGet;
import dev.tokentally.testing.KraftTestKitBroker;
import dev.tokentally.testing.PrometheusServer;
import dev.tokentally.testing.PrometheusText;
import dev.tokentally.testing.TopicIo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose stack's sample records and its Grafana dashboard against a real application on a real
 * broker: the samples come out as they should (so the dashboard has data), and every metric and
 * label the dashboard queries is in the application's own {@code /metrics} scrape.
 */
class DashboardMetricsIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The compose stack's public demo key (deploy/tokentally/demo-keys), with every scope. */
  private static final String DEMO_KEY = "tt_DEMO_ONLY_not_secret_change_me";

  private static final Pattern METRIC =
      Pattern.compile("\\b((?:tokentally|kafka|jvm|process)_[a-z0-9_]+)\\b");
  private static final Pattern SELECTOR = Pattern.compile("\\{([^}]*)}");
  private static final Pattern BY = Pattern.compile("\\bby \\(([^)]*)\\)");

  @TempDir Path stateDir;

  /** The console producer's format: "Name:value,Name:value", a tab, the value. */
  private static List<ProducerRecord<byte[], byte[]>> samples(String topic) throws Exception {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("deploy/samples/requests.txt"))) {
      String[] parts = line.split("\t", 2);
      RecordHeaders headers = new RecordHeaders();
      for (String header : parts[0].split(",")) {
        String[] kv = header.split(":", 2);
        headers.add(kv[0], kv[1].getBytes(StandardCharsets.UTF_8));
      }
      records.add(
          new ProducerRecord<byte[], byte[]>(
              topic, null, (byte[]) null, parts[1].getBytes(StandardCharsets.UTF_8), headers));
    }
    return records;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void samplesComeOutAndTheDashboardQueriesOnlyWhatTheAppExports() throws Exception {
    try (KraftTestKitBroker broker = KraftTestKitBroker.start()) {
      int port = FreePort.find();
      Map<String, String> env =
          AppEnvironment.on(
              broker.bootstrapServers(),
              "tokentally-dash-" + UUID.randomUUID().toString().substring(0, 8),
              stateDir);
      env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
      // The compose stack's keys, so its Prometheus scrape configuration works unchanged.
      env.put("TOKENTALLY_HTTP_KEYS_FILE", "deploy/tokentally/demo-keys");
      AppConfig config = ConfigLoader.load(null, env);
      try (Application app = Application.start(config)) {
        assertThat(app.httpPort()).isEqualTo(port);
        List<ProducerRecord<byte[], byte[]>> samples = samples(config.topics().requests());
        TopicIo.send(broker.bootstrapServers(), samples);
        // One keyed request with its vendor response, for the reconciliation panels.
        TopicIo.send(
            broker.bootstrapServers(),
            List.of(
                keyedRequest(config.topics().requests(), "dash-1"),
                keyedResponse(config.topics().responses(), "dash-1")));
        List<ConsumerRecord<byte[], byte[]>> out =
            TopicIo.readCommitted(
                broker.bootstrapServers(),
                List.of(config.topics().enriched(), config.topics().deadLetter()),
                samples.size() + 1,
                Duration.ofSeconds(60),
                Duration.ofSeconds(1));
        assertThat(
                TopicIo.readCommitted(
                    broker.bootstrapServers(),
                    List.of(config.topics().reconciled()),
                    1,
                    Duration.ofSeconds(60),
                    Duration.ZERO))
            .hasSize(1);
        List<String> outcomes = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : out) {
          JsonNode v = MAPPER.readTree(r.value());
          outcomes.add(
              r.topic().equals(config.topics().enriched())
                  ? v.get("model").asText()
                  : v.at("/error/code").asText());
        }
        assertThat(outcomes)
            .containsExactlyInAnyOrder(
                "claude-sonnet-4-5",
                "claude-haiku-4-5",
                "claude-sonnet-4-5",
                "claude-sonnet-4-5",
                "gemini-2.5-flash",
                "gemini-2.5-pro",
                "context_window_exceeded",
                "invalid_json");

        String scrape =
            HttpGet.body("http://localhost:" + port + "/metrics", "x-api-key", DEMO_KEY);
        Map<String, Set<String>> labelsByMetric = new HashMap<>();
        for (PrometheusText.Sample s : PrometheusText.parse(scrape)) {
          labelsByMetric
              .computeIfAbsent(s.name(), k -> new HashSet<>())
              .addAll(s.labels().keySet());
        }

        JsonNode dashboard =
            MAPPER.readTree(Path.of("deploy/grafana/dashboards/tokentally.json").toFile());
        int queried = 0;
        for (JsonNode panel : dashboard.get("panels")) {
          for (JsonNode target : panel.get("targets")) {
            String expr = target.get("expr").asText();
            Matcher metric = METRIC.matcher(expr);
            Set<String> labels = labels(expr);
            while (metric.find()) {
              String name = metric.group(1);
              assertThat(labelsByMetric.containsKey(name))
                  .as("%s (panel %s) is in the scrape", name, panel.get("title"))
                  .isTrue();
              // Prometheus adds instance and job when it scrapes; le belongs to the buckets.
              Set<String> known = new HashSet<>(labelsByMetric.get(name));
              known.addAll(List.of("instance", "job", "le"));
              if (!name.endsWith("_bucket")) {
                known.remove("le");
              }
              assertThat(known).as("labels of %s in %s", name, expr).containsAll(labels);
              queried++;
            }
          }
        }
        assertThat(queried).isGreaterThanOrEqualTo(dashboard.get("panels").size());
        System.out.printf(
            "dashboard: %d panels, %d metric references, all exported; samples: %s%n",
            dashboard.get("panels").size(), queried, outcomes);
        evaluatedByPrometheus(dashboard, config, broker.bootstrapServers(), port);
      }
    }
  }

  /**
   * A real Prometheus with the compose stack's configuration scrapes the app while records and
   * responses keep flowing; every panel's query returns series with the labels the panel groups by,
   * and every alert rule loads and evaluates without error.
   */
  private void evaluatedByPrometheus(
      JsonNode dashboard, AppConfig config, String bootstrap, int port) throws Exception {
    AtomicBoolean flowing = new AtomicBoolean(true);
    Thread traffic =
        new Thread(
            () -> {
              try (var producer = TopicIo.producer(bootstrap)) {
                for (int i = 0; flowing.get(); i++) {
                  for (ProducerRecord<byte[], byte[]> r : samples(config.topics().requests())) {
                    producer.send(r);
                  }
                  producer.send(keyedRequest(config.topics().requests(), "flow-" + i));
                  producer.send(keyedResponse(config.topics().responses(), "flow-" + i));
                  producer.flush();
                  Thread.sleep(500);
                }
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            },
            "dashboard-traffic");
    traffic.start();
    try (PrometheusServer prometheus =
        PrometheusServer.start(
            Path.of("deploy/prometheus/prometheus.yml"),
            "127.0.0.1:" + port,
            Path.of("helm/tokentally/files/tokentally-alerts.yml"),
            Files.createDirectories(stateDir.resolve("prometheus")))) {
      Map<String, String> missing = new HashMap<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      do {
        Thread.sleep(2_000);
        missing.clear();
        for (JsonNode panel : dashboard.get("panels")) {
          for (JsonNode target : panel.get("targets")) {
            String expr = target.get("expr").asText().replace("$__rate_interval", "20s");
            String why = unanswered(prometheus.query(expr), expr);
            if (why != null) {
              missing.put(panel.get("title").asText(), why);
            }
          }
        }
      } while (!missing.isEmpty() && System.nanoTime() < deadline);
      assertThat(missing).as("panels without data from Prometheus").isEmpty();
      assertThat(prometheus.targetHealth()).containsExactly("up");
      List<JsonNode> rules = prometheus.rules();
      assertThat(rules).hasSize(5);
      assertThat(rules).allSatisfy(r -> assertThat(r.path("health").asText()).isEqualTo("ok"));
      System.out.printf(
          "prometheus: every panel's query answered with its labels; %d alert rules healthy%n",
          rules.size());
    } finally {
      flowing.set(false);
      traffic.join();
    }
  }

  /** Why a query's answer is no data for its panel, or null when it is. */
  private static String unanswered(List<JsonNode> result, String expr) {
    if (result.isEmpty()) {
      return "no series: " + expr;
    }
    Set<String> grouped = new HashSet<>();
    Matcher by = BY.matcher(expr);
    while (by.find()) {
      for (String label : by.group(1).split(",")) {
        grouped.add(label.trim());
      }
    }
    grouped.remove("le");
    for (JsonNode series : result) {
      String value = series.at("/value/1").asText();
      Set<String> labels = new HashSet<>();
      series.get("metric").fieldNames().forEachRemaining(labels::add);
      if (labels.containsAll(grouped) && !value.equals("NaN")) {
        return null;
      }
    }
    return "no series with " + grouped + " and a value: " + result;
  }

  private static ProducerRecord<byte[], byte[]> keyedRequest(String topic, String key) {
    return new ProducerRecord<>(
        topic,
        utf8(key),
        utf8(
            "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":50,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"));
  }

  private static ProducerRecord<byte[], byte[]> keyedResponse(String topic, String key) {
    return new ProducerRecord<>(
        topic,
        utf8(key),
        utf8(
            "{\"id\":\"msg_dash\",\"type\":\"message\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[],\"usage\":{\"input_tokens\":9,\"output_tokens\":12}}"));
  }

  /** Label names used in selectors and in "by (...)". */
  private static Set<String> labels(String expr) {
    Set<String> labels = new HashSet<>();
    Matcher selector = SELECTOR.matcher(expr);
    while (selector.find()) {
      for (String matcher : selector.group(1).split(",")) {
        if (!matcher.isBlank()) {
          labels.add(matcher.split("[=!~]")[0].trim());
        }
      }
    }
    Matcher by = BY.matcher(expr);
    while (by.find()) {
      for (String label : by.group(1).split(",")) {
        labels.add(label.trim());
      }
    }
    return labels;
  }
}
