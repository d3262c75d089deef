package dev.tokentally.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.HttpGet;
import dev.tokentally.testing.TopicIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a new user does: {@code java -jar target/tokentally.jar} with nothing configured, which
 * starts Kafka's own broker in the same process. Runs the packaged jar as a separate process.
 */
class RunCommandIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String ANTHROPIC_BODY =
      "{\"model\":\"claude-3-5-sonnet-20241022\",\"system\":\"You are a scientist\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";

  @TempDir Path workDir;

  @Test
  void startsWithAnEmbeddedBrokerCountAndStopCleanlyOnSigterm() throws Exception {
    int brokerPort = FreePort.find();
    int httpPort = FreePort.find();
    Map<String, String> env =
        Map.of(
            "TOKENTALLY_BROKER_PORT", Integer.toString(brokerPort),
            "TOKENTALLY_BROKER_CONTROLLER_PORT", Integer.toString(FreePort.find()),
            "TOKENTALLY_HTTP_PORT", Integer.toString(httpPort));
    String bootstrap = "localhost:" + brokerPort;

    try (ChildApp app = new ChildApp("tokentally", workDir, "512m", env)) {
      long started = System.nanoTime();
      app.start(Duration.ofSeconds(30));
      Duration startup = Duration.ofNanos(System.nanoTime() - started);
      assertThat(startup).isLessThan(Duration.ofSeconds(30));
      assertThat(Files.isDirectory(workDir.resolve("data/kafka"))).isTrue();
      assertThat(httpGet(httpPort, "/health/ready")).isEqualTo(200);
      assertThat(httpGet(httpPort, "/health/live")).isEqualTo(200);

      long produced = System.nanoTime();
      TopicIo.send(
          bootstrap,
          List.of(
              new ProducerRecord<>(
                  "llm.requests", key("a-1"), ANTHROPIC_BODY.getBytes(StandardCharsets.UTF_8)),
              new ProducerRecord<>(
                  "llm.requests", key("bad-1"), "<html>oops".getBytes(StandardCharsets.UTF_8))));
      List<ConsumerRecord<byte[], byte[]>> out =
          TopicIo.readCommitted(
              bootstrap,
              List.of("llm.requests.enriched", "llm.requests.dlq"),
              2,
              Duration.ofSeconds(5),
              Duration.ZERO);
      Duration roundTrip = Duration.ofNanos(System.nanoTime() - produced);

      assertThat(out).hasSize(2);
      for (ConsumerRecord<byte[], byte[]> record : out) {
        JsonNode value = MAPPER.readTree(record.value());
        if (record.topic().equals("llm.requests.enriched")) {
          assertThat(value.get("input_tokens").isInt()).isTrue();
          assertThat(value.get("input_tokens").asInt()).isEqualTo(14);
        } else {
          assertThat(value.at("/error/code").asText()).isEqualTo("invalid_json");
          assertThat(value.at("/meta/payload").asText()).isEqualTo("<html>oops");
        }
      }
      assertThat(roundTrip).isLessThan(Duration.ofSeconds(5));
      String metrics = httpBody(httpPort, "/metrics");
      assertThat(metrics)
          .contains("tokentally_count_cache_lookups_total{result=\"miss\"}")
          .contains("tokentally_count_cache_capacity 65536.0");

      // SIGTERM, as orchestrators stop services.
      long stopping = System.nanoTime();
      int exit = app.stop();
      Duration shutdown = Duration.ofNanos(System.nanoTime() - stopping);

      assertThat(shutdown).as("exited within 15 s").isLessThan(Duration.ofSeconds(15));
      assertThat(exit).isZero();
      assertThat(app.output())
          .noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception"));
      assertThat(app.output()).anyMatch(line -> line.contains("stopped"));
      System.out.printf(
          "run command: startup %d ms, produce-to-output %d ms, SIGTERM-to-exit %d ms%n",
          startup.toMillis(), roundTrip.toMillis(), shutdown.toMillis());

      // A restart reuses ./data/kafka: the earlier records are still there and new ones flow.
      app.start(Duration.ofSeconds(30));
      TopicIo.send(
          bootstrap,
          List.of(
              new ProducerRecord<>(
                  "llm.requests", key("a-2"), ANTHROPIC_BODY.getBytes(StandardCharsets.UTF_8))));
      List<ConsumerRecord<byte[], byte[]>> afterRestart =
          TopicIo.readCommitted(
              bootstrap,
              List.of("llm.requests.enriched"),
              2,
              Duration.ofSeconds(10),
              Duration.ZERO);
      assertThat(afterRestart)
          .extracting(r -> new String(r.key(), StandardCharsets.UTF_8))
          .containsExactlyInAnyOrder("a-1", "a-2");
      assertThat(app.stop()).isZero();
    }
  }

  private static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }

  private static String httpBody(int port, String path) throws IOException, InterruptedException {
    return HttpGet.body("http://localhost:" + port + path);
  }

  private static int httpGet(int port, String path) throws IOException, InterruptedException {
    return HttpGet.status("http://localhost:" + port + path);
  }
}
