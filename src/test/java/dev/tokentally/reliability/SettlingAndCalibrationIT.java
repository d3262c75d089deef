package dev.tokentally.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.counting.BodyOrigin;
import dev.tokentally.counting.CountOutcome;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.HttpGet;
import dev.tokentally.testing.PerClassBroker;
import dev.tokentally.testing.RecordSchemas;
import dev.tokentally.testing.TextCorpus;
import dev.tokentally.testing.TopicIo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What reconciliation feeds back, on a real broker with the packaged application: a budget of input
 * + output tokens with room for two reservations of {@code max_tokens} takes 30 requests in a row
 * only because each one's billed usage replaces its reservation; and billed counts that put text at
 * 0.8 of the registered model teach a correction that is published to the compacted topic, read
 * back by the application, used by new counts and exported as a metric.
 */
class SettlingAndCalibrationIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double BILLED_TEXT_FACTOR = 0.8;

  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @TempDir Path workDir;

  private static ProducerRecord<byte[], byte[]> record(
      String topic, String key, String value, String name) {
    ProducerRecord<byte[], byte[]> r =
        new ProducerRecord<>(
            topic, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    if (name != null) {
      r.headers().add("X-Opper-Name", name.getBytes(StandardCharsets.UTF_8));
    }
    return r;
  }

  private static String request(String text, int maxTokens) throws Exception {
    return JSON.writeValueAsString(
        Map.of(
            "model",
            "claude-sonnet-4-5",
            "max_tokens",
            maxTokens,
            "messages",
            List.of(Map.of("role", "user", "content", text))));
  }

  private static String response(long input, long output) {
    return """
        {"id":"msg_it","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
         "content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn",
         "usage":{"input_tokens":%d,"output_tokens":%d}}"""
        .formatted(input, output);
  }

  @Test
  void budgetsSettleAndTheLiveCorrectionIsLearnedPublishedAndUsed() throws Exception {
    String id = "tokentally-feedback-" + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env =
        AppEnvironment.on(broker.bootstrapServers(), id, workDir.resolve("s"));
    int port = FreePort.find();
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
    Path limits = workDir.resolve("limits.json");
    Files.writeString(
        limits,
        "{\"budgets\":[{\"name\":\"capped\",\"tokens\":3000,\"counts\":\"input_output\","
            + "\"window\":\"1d\"}]}");
    env.put("TOKENTALLY_LIMITS_FILE", limits.toString());
    env.put("TOKENTALLY_CALIBRATION_APPLY", "true");
    env.put("TOKENTALLY_CALIBRATION_MIN_PAIRS", "20");
    env.put("TOKENTALLY_CALIBRATION_EVERY", "5");
    AppConfig config = ConfigLoader.load(null, env);
    var topics = config.topics();
    RequestCounting counting = RequestCounting.withDefaults();

    try (ChildApp app = new ChildApp("tokentally-feedback", workDir, "512m", env);
        KafkaProducer<byte[], byte[]> producer = TopicIo.producer(broker.bootstrapServers());
        KafkaConsumer<byte[], byte[]> reader = TopicIo.committedReader(broker.bootstrapServers())) {
      app.start(Duration.ofSeconds(60));
      reader.subscribe(
          List.of(
              topics.enriched(), topics.deadLetter(), topics.reconciled(), topics.calibration()));
      Map<String, List<JsonNode>> seen = new HashMap<>();

      // Each reservation is about 1,015 tokens; 3,000 holds two. Thirty in a row fit only if
      // each billed 20 tokens replaced its reservation.
      String shortRequest = request("Hello, Claude", 1000);
      for (int i = 0; i < 30; i++) {
        String key = "cap-" + i;
        producer.send(record(topics.requests(), key, shortRequest, "capped"));
        producer.send(record(topics.responses(), key, response(15, 5), null));
        producer.flush();
        awaitKey(reader, seen, topics.reconciled(), key);
      }
      assertThat(seen.getOrDefault(topics.deadLetter(), List.of())).isEmpty();
      assertThat(seen.get(topics.enriched())).hasSize(30);

      // Twenty-five pairs of real-size text, billed at 0.8 of the registered text model.
      SplittableRandom random = new SplittableRandom(3);
      for (int i = 0; i < 25; i++) {
        String body = request(TextCorpus.prose(random, 800 + random.nextInt(3000)), 200);
        TokenCount count =
            ((CountOutcome.Counted)
                    counting.count(
                        body.getBytes(StandardCharsets.UTF_8), new BodyOrigin.Record(null)))
                .count();
        long billed =
            Math.round(
                count.total() - count.textTokens() + BILLED_TEXT_FACTOR * count.textTokens());
        producer.send(record(topics.requests(), "learn-" + i, body, "learn"));
        producer.send(record(topics.responses(), "learn-" + i, response(billed, 40), null));
      }
      producer.flush();
      JsonNode correction = awaitKey(reader, seen, topics.calibration(), "claude-4");
      RecordSchemas.CALIBRATION.assertValid(JSON.writeValueAsBytes(correction));
      assertThat(correction.path("text_factor").asDouble())
          .isCloseTo(BILLED_TEXT_FACTOR, within(0.01));

      // The application reads the topic back; a new count uses the correction.
      JsonNode live = null;
      for (int i = 0; i < 30 && live == null; i++) {
        String key = "after-" + i;
        producer.send(
            record(topics.requests(), key, request(TextCorpus.prose(random, 2000), 10), "after"));
        producer.flush();
        JsonNode enriched = awaitKey(reader, seen, topics.enriched(), key);
        if (enriched.path("count_method").asText().equals("calibrated_live")) {
          live = enriched;
        } else {
          Thread.sleep(500);
        }
      }
      assertThat(live).as("a count with the live correction").isNotNull();
      assertThat(live.at("/calibration/version").asLong()).isGreaterThanOrEqualTo(1);
      assertThat(live.at("/calibration/text_factor").asDouble())
          .isCloseTo(BILLED_TEXT_FACTOR, within(0.01));
      String metrics = HttpGet.body("http://127.0.0.1:" + port + "/metrics");
      assertThat(metrics)
          .containsPattern(
              "(?m)^tokentally_calibration_text_factor\\{family=\"claude-4\"[^}]*} 0\\.(79|80)");
      assertThat(app.stop()).isZero();
    }
  }

  /** Reads until a record with {@code key} arrives on {@code topic}; keeps everything read. */
  private static JsonNode awaitKey(
      KafkaConsumer<byte[], byte[]> reader,
      Map<String, List<JsonNode>> seen,
      String topic,
      String key)
      throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      batch.clear();
      reader.poll(Duration.ofMillis(100)).forEach(batch::add);
      JsonNode found = null;
      for (ConsumerRecord<byte[], byte[]> r : batch) {
        JsonNode v = JSON.readTree(r.value());
        seen.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(v);
        if (r.topic().equals(topic) && key.equals(new String(r.key(), StandardCharsets.UTF_8))) {
          found = v;
        }
      }
      if (found != null) {
        return found;
      }
    }
    throw new AssertionError("no record for " + key + " on " + topic + " within 60 s");
  }
}
