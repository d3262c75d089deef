package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.counting.BodyOrigin;
import dev.tokentally.counting.CountOutcome;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.testing.RecordSchemas;
import dev.tokentally.testing.TextCorpus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The live correction under TopologyTestDriver. Responses bill each request's text at 0.8 of what
 * the registered model counts for it (the rest of the count exactly), so the learner must find a
 * text factor of 0.8; with {@code tokentally.calibration.apply} new counts use it, name the version
 * and can be recomputed from the record; and learning goes on from the uncorrected count, so the
 * correction does not compound on itself.
 */
class LiveCalibrationTest {
  private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final double BILLED_TEXT_FACTOR = 0.8;
  private static final Map<String, String> SETTINGS =
      Map.of(
          "TOKENTALLY_CALIBRATION_MIN_PAIRS", "20",
          "TOKENTALLY_CALIBRATION_EVERY", "5",
          "TOKENTALLY_CALIBRATION_MIN_TEXT_TOKENS", "50");

  private static String request(String text) throws Exception {
    return JSON.writeValueAsString(
        Map.of(
            "model",
            "claude-sonnet-4-5",
            "max_tokens",
            100,
            "messages",
            List.of(Map.of("role", "user", "content", text))));
  }

  /** The registered model's count, as the stream makes it without a correction. */
  private static TokenCount count(String body) {
    CountOutcome outcome =
        TopologyFixture.defaults()
            .counting()
            .count(body.getBytes(StandardCharsets.UTF_8), new BodyOrigin.Record(null));
    return ((CountOutcome.Counted) outcome).count();
  }

  /** A response billing the non-text part as counted and the text at the billed factor. */
  private static String response(TokenCount count) {
    long billed =
        Math.round(count.total() - count.textTokens() + BILLED_TEXT_FACTOR * count.textTokens());
    return """
        {"id":"msg_c","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
         "content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn",
         "usage":{"input_tokens":%d,"output_tokens":3}}"""
        .formatted(billed);
  }

  private static void pairs(
      TopologyHarness h, SplittableRandom random, String prefix, int n, int t0) throws Exception {
    for (int i = 0; i < n; i++) {
      String body = request(TextCorpus.prose(random, 400 + random.nextInt(3000)));
      h.pipe(prefix + i, body, AT.plusSeconds(t0 + i));
      h.respond(prefix + i, response(count(body)), AT.plusSeconds(t0 + i));
    }
  }

  private static List<JsonNode> corrections(TestOutputTopic<String, byte[]> topic)
      throws Exception {
    List<JsonNode> out = new java.util.ArrayList<>();
    for (TestRecord<String, byte[]> r : topic.readRecordsToList()) {
      JsonNode v = RecordSchemas.CALIBRATION.assertValid(r.value());
      assertThat(r.key()).isEqualTo(v.path("family").asText());
      out.add(v);
    }
    return out;
  }

  @Test
  void learnsTheBilledTextFactorAndPublishesItWithAnOutOfSampleErrorBar() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TopologyHarness h = new TopologyHarness(SETTINGS, meters)) {
      var topic =
          h.driver.createOutputTopic(
              h.config.topics().calibration(),
              new StringDeserializer(),
              new ByteArrayDeserializer());
      SplittableRandom random = new SplittableRandom(7);

      pairs(h, random, "a", 19, 0);
      assertThat(topic.isEmpty()).as("fewer pairs than min.pairs publish nothing").isTrue();
      pairs(h, random, "b", 11, 100);

      List<JsonNode> published = corrections(topic);
      assertThat(published).extracting(v -> v.path("version").asLong()).containsExactly(1L, 2L, 3L);
      JsonNode last = published.get(2);
      assertThat(last.path("family").asText()).isEqualTo("claude-4");
      assertThat(last.path("text_factor").asDouble()).isCloseTo(BILLED_TEXT_FACTOR, within(0.01));
      assertThat(last.path("pairs").asInt()).isEqualTo(30);
      // Billing follows the factor exactly, so predictions err by rounding only.
      assertThat(last.path("error_pct").asDouble()).isLessThan(1.0);
      assertThat(
              meters
                  .get("tokentally.calibration.text.factor")
                  .tag("family", "claude-4")
                  .gauge()
                  .value())
          .isCloseTo(last.path("text_factor").asDouble(), within(1e-9));
      assertThat(meters.get("tokentally.calibration.version").gauge().value()).isEqualTo(3.0);

      // Without apply, counts stay the registered model's.
      h.enrichedRecord();
      String body = request(TextCorpus.prose(random, 2000));
      while (!h.noEnriched()) {
        h.enrichedRecord();
      }
      h.pipe("plain", body, AT.plusSeconds(500));
      JsonNode plain = h.enriched();
      assertThat(plain.path("count_method").asText()).isEqualTo("calibrated");
      assertThat(plain.path("input_tokens").asLong()).isEqualTo(count(body).total());
      assertThat(plain.has("calibration")).isFalse();
    }
  }

  @Test
  void withApplyNewCountsUseTheCorrectionAndNameItsVersion() throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(SETTINGS);
    settings.put("TOKENTALLY_CALIBRATION_APPLY", "true");
    try (TopologyHarness h = new TopologyHarness(settings)) {
      SplittableRandom random = new SplittableRandom(11);
      pairs(h, random, "a", 20, 0);
      while (!h.noEnriched()) {
        assertThat(h.enriched().path("count_method").asText()).isEqualTo("calibrated");
      }

      String body = request(TextCorpus.prose(random, 2500));
      TokenCount registered = count(body);
      h.pipe("live", body, AT.plusSeconds(100));
      JsonNode live = h.enriched();

      assertThat(live.path("count_method").asText()).isEqualTo("calibrated_live");
      JsonNode c = live.path("calibration");
      assertThat(c.path("family").asText()).isEqualTo("claude-4");
      assertThat(c.path("version").asLong()).isEqualTo(1);
      assertThat(c.path("uncorrected_input_tokens").asLong()).isEqualTo(registered.total());
      double factor = c.path("text_factor").asDouble();
      assertThat(factor).isCloseTo(BILLED_TEXT_FACTOR, within(0.01));
      // Reproducible from the record: the uncorrected count with its text part scaled (one
      // rounding per breakdown part).
      double recomputed = registered.total() - c.path("text_tokens").asDouble() * (1 - factor);
      assertThat((double) live.path("input_tokens").asLong())
          .isCloseTo(recomputed, within((double) live.path("breakdown").size()));
      assertThat(live.path("input_tokens").asLong()).isLessThan(registered.total());
      assertThat(live.path("count_error_pct").isNumber()).isTrue();

      // Pairs counted with the correction still teach the uncorrected model: no compounding.
      pairs(h, random, "b", 30, 200);
      var topic =
          h.driver.createOutputTopic(
              h.config.topics().calibration(),
              new StringDeserializer(),
              new ByteArrayDeserializer());
      List<JsonNode> published = corrections(topic);
      JsonNode last = published.get(published.size() - 1);
      assertThat(last.path("version").asLong()).isGreaterThan(1);
      assertThat(last.path("text_factor").asDouble()).isCloseTo(BILLED_TEXT_FACTOR, within(0.01));
    }
  }

  @Test
  void aCorrectionWrittenToTheTopicIsUsedAndGarbageThereIsSkipped() throws Exception {
    Map<String, String> settings = new java.util.HashMap<>(SETTINGS);
    settings.put("TOKENTALLY_CALIBRATION_APPLY", "true");
    try (TopologyHarness h = new TopologyHarness(settings)) {
      var calibration =
          h.driver.createInputTopic(
              h.config.topics().calibration(),
              new org.apache.kafka.common.serialization.StringSerializer(),
              new org.apache.kafka.common.serialization.ByteArraySerializer());
      calibration.pipeInput("claude-4", "not json".getBytes(StandardCharsets.UTF_8));
      calibration.pipeInput(
          "claude-4", "{\"family\":\"claude-4\"}".getBytes(StandardCharsets.UTF_8));
      String body = request(TextCorpus.prose(new SplittableRandom(5), 1500));
      h.pipe("before", body, AT);
      assertThat(h.enriched().path("count_method").asText()).isEqualTo("calibrated");

      // An operator replaying with a version an enriched record named writes it back.
      calibration.pipeInput(
          "claude-4",
          ("{\"family\":\"claude-4\",\"version\":41,\"text_factor\":0.5,\"error_pct\":3.2,"
                  + "\"pairs\":500,\"updated_at\":\"2026-11-22T09:00:00Z\"}")
              .getBytes(StandardCharsets.UTF_8));
      h.pipe("after", body, AT.plusSeconds(1));
      JsonNode after = h.enriched();
      assertThat(after.path("count_method").asText()).isEqualTo("calibrated_live");
      assertThat(after.at("/calibration/version").asLong()).isEqualTo(41);
      assertThat(after.path("count_error_pct").asDouble()).isEqualTo(3.2);
      TokenCount registered = count(body);
      assertThat((double) after.path("input_tokens").asLong())
          .isCloseTo(registered.total() - registered.textTokens() / 2, within(2.0));

      // An older version written back after it (a replay pinning what a record named) wins too.
      calibration.pipeInput(
          "claude-4",
          ("{\"family\":\"claude-4\",\"version\":7,\"text_factor\":0.9,\"error_pct\":4.0,"
                  + "\"pairs\":500,\"updated_at\":\"2026-11-22T08:00:00Z\"}")
              .getBytes(StandardCharsets.UTF_8));
      h.pipe("pinned", body, AT.plusSeconds(2));
      assertThat(h.enriched().at("/calibration/version").asLong()).isEqualTo(7);
    }
  }
}
