package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests joined with vendor responses under TopologyTestDriver: either order, duplicates, missing
 * sides closed by stream time and by wall-clock time, not-billed and unreadable responses, budgeted
 * requests coming back from their name's task, and the actual usage in the aggregates. Costs are
 * checked against Anthropic's published Sonnet 4.5 rates ($3 input, $15 output, $0.30 cache read
 * per million tokens).
 */
class ReconciliationTest {
  private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
  private static final String REQUEST =
      "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":100,"
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";
  private static final Duration WAIT = Duration.ofHours(1).plusMinutes(5);

  @TempDir Path dir;

  private static String message(String id, long input, long cacheRead, long output) {
    return """
        {"id":"%s","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
         "content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn",
         "usage":{"input_tokens":%d,"cache_creation_input_tokens":0,
                  "cache_read_input_tokens":%d,"output_tokens":%d}}"""
        .formatted(id, input, cacheRead, output);
  }

  private static double sonnet(long input, long cacheRead, long output) {
    return (input * 3.0 + cacheRead * 0.3 + output * 15.0) / 1e6;
  }

  @Test
  void joinsInEitherOrderAndChargesARepeatedResponseOnce() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (TopologyHarness h = new TopologyHarness(Map.of(), meters)) {
      h.pipe("r1", REQUEST, AT, "X-Opper-Name", "greet");
      h.respond("r1", message("msg_1", 12, 0, 40), AT.plusSeconds(2));
      // The response first, as it often is for budgeted requests.
      h.respond("r2", message("msg_2", 2, 10, 5), AT.plusSeconds(3));
      h.pipe("r2", REQUEST, AT.plusSeconds(1), "X-Opper-Name", "greet");
      // At-least-once producers repeat responses.
      h.respond("r1", message("msg_1", 12, 0, 40), AT.plusSeconds(4));
      h.respond("r2", message("msg_2", 2, 10, 5), AT.plusSeconds(5));

      Map<String, JsonNode> out = h.reconciled();

      assertThat(out).containsOnlyKeys("r1", "r2");
      JsonNode r1 = out.get("r1");
      assertThat(r1.path("status").asText()).isEqualTo("reconciled");
      assertThat(r1.path("name").asText()).isEqualTo("greet");
      assertThat(r1.path("actual_input_tokens").asLong()).isEqualTo(12);
      assertThat(r1.path("actual_output_tokens").asLong()).isEqualTo(40);
      assertThat(r1.path("vendor_id").asText()).isEqualTo("msg_1");
      assertThat(r1.path("actual_cost_usd").asDouble()).isCloseTo(sonnet(12, 0, 40), within(1e-12));
      long estimate = r1.path("estimated_input_tokens").asLong();
      assertThat(r1.path("estimate_error_pct").asDouble())
          .isCloseTo(Math.round(1000.0 * (estimate - 12) / 12) / 10.0, within(1e-9));
      assertThat(r1.path("estimate_comparable").asBoolean()).isTrue();
      JsonNode r2 = out.get("r2");
      assertThat(r2.path("actual_input_tokens").asLong()).isEqualTo(12);
      assertThat(r2.at("/actual/cache_read_input_tokens").asLong()).isEqualTo(10);
      assertThat(r2.path("actual_cost_usd").asDouble()).isCloseTo(sonnet(2, 10, 5), within(1e-12));
      assertThat(meters.get("tokentally.responses.duplicate").counter().count()).isEqualTo(2);
      assertThat(
              meters.get("tokentally.estimate.error").tag("family", "claude-4").summaries().stream()
                  .mapToLong(s -> s.count())
                  .sum())
          .isEqualTo(2);

      JsonNode all = allTime(h.usage("by-name-model"), "greet");
      assertThat(all.path("requests").asLong()).isEqualTo(2);
      assertThat(all.at("/actual/reconciled").asLong()).isEqualTo(2);
      assertThat(all.at("/actual/input_tokens").asLong()).isEqualTo(24);
      assertThat(all.at("/actual/cache_read_input_tokens").asLong()).isEqualTo(10);
      assertThat(all.at("/actual/output_tokens").asLong()).isEqualTo(45);
      assertThat(all.at("/actual/cost_usd").asDouble())
          .isCloseTo(sonnet(12, 0, 40) + sonnet(2, 10, 5), within(1e-9));
    }
  }

  @Test
  void closesMissingSidesByStreamTimeAndLaterRepeatsAreOrphans() {
    try (TopologyHarness h = new TopologyHarness(Map.of())) {
      h.pipe("lonely-request", REQUEST, AT);
      h.respond("lonely-response", message("msg_9", 7, 0, 3), AT);
      h.pipe("joined", REQUEST, AT);
      h.respond("joined", message("msg_8", 7, 0, 3), AT.plusSeconds(1));
      assertThat(h.reconciled()).containsOnlyKeys("joined");

      // Just before the wait ends nothing closes; a record past it moves stream time on.
      h.pipe("later", REQUEST, AT.plus(WAIT).minusSeconds(1));
      assertThat(h.reconciled()).isEmpty();
      h.pipe("later2", REQUEST, AT.plus(WAIT));

      Map<String, JsonNode> closed = h.reconciled();
      assertThat(closed).containsOnlyKeys("lonely-request", "lonely-response");
      assertThat(closed.get("lonely-request").path("status").asText()).isEqualTo("no_response");
      assertThat(closed.get("lonely-request").has("actual_input_tokens")).isFalse();
      JsonNode orphan = closed.get("lonely-response");
      assertThat(orphan.path("status").asText()).isEqualTo("orphan");
      assertThat(orphan.path("model").asText()).isEqualTo("claude-sonnet-4-5-20250929");
      assertThat(orphan.path("actual_cost_usd").asDouble())
          .isCloseTo(sonnet(7, 0, 3), within(1e-12));
      // The joined key's marker has gone with its wait: a repeat now is a response of its own.
      h.respond("joined", message("msg_8", 7, 0, 3), AT.plus(WAIT).plusSeconds(1));
      h.pipe("later3", REQUEST, AT.plus(WAIT).plus(WAIT).plusSeconds(2));
      assertThat(h.reconciled().get("joined").path("status").asText()).isEqualTo("orphan");
    }
  }

  @Test
  void closesOnWallClockTimeWhenTrafficStops() {
    try (TopologyHarness h = new TopologyHarness(Map.of())) {
      h.pipe("quiet", REQUEST, AT);
      h.driver.advanceWallClockTime(WAIT.minusSeconds(5));
      assertThat(h.reconciled()).isEmpty();
      h.driver.advanceWallClockTime(Duration.ofSeconds(10));

      assertThat(h.reconciled().get("quiet").path("status").asText()).isEqualTo("no_response");
    }
  }

  @Test
  void aDuplicateRequestKeyIsMarkedAndGetsNoSecondCharge() {
    try (TopologyHarness h = new TopologyHarness(Map.of())) {
      h.pipe("dup", REQUEST, AT);
      h.pipe("dup", REQUEST, AT.plusSeconds(1));
      Map<String, JsonNode> first = h.reconciled();
      h.respond("dup", message("msg_d", 10, 0, 10), AT.plusSeconds(2));

      assertThat(first.get("dup").path("status").asText()).isEqualTo("duplicate_request");
      assertThat(h.reconciled().get("dup").path("status").asText()).isEqualTo("reconciled");
    }
  }

  @Test
  void anErrorStatusBillsNothingAndBadResponsesAreDeadLettersWithoutCredentials() {
    try (TopologyHarness h = new TopologyHarness(Map.of())) {
      h.pipe("failed", REQUEST, AT);
      h.respond(
          "failed",
          "{\"status\":529,\"headers\":{\"x-api-key\":\"sk-ant-api03-secretsecret\"},"
              + "\"body\":{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}}",
          AT.plusSeconds(1));
      h.respond(
          "junk",
          "{\"status\":200,\"headers\":{\"x-api-key\":\"sk-ant-api03-secretsecret\"},"
              + "\"body\":{\"hello\":1}}",
          AT.plusSeconds(1),
          "authorization",
          "Bearer sk-ant-api03-secretsecret");
      h.respond(null, message("msg_k", 1, 0, 1), AT.plusSeconds(1));

      JsonNode failed = h.reconciled().get("failed");
      assertThat(failed.path("status").asText()).isEqualTo("reconciled");
      assertThat(failed.path("billed").asBoolean()).isFalse();
      assertThat(failed.path("actual_cost_usd").asDouble()).isZero();
      var junk = h.deadLetterRecord();
      String text = new String(junk.value(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(text).contains("\"code\":\"invalid_response\"").doesNotContain("secretsecret");
      assertThat(junk.headers().lastHeader("authorization")).isNull();
      assertThat(h.deadLetter().at("/error/code").asText()).isEqualTo("invalid_response");
      assertThat(h.noDeadLetters()).isTrue();
    }
  }

  @Test
  void aBudgetedRequestComesBackToItsPartitionAndJoins() throws Exception {
    Path limits = dir.resolve("limits.json");
    Files.writeString(
        limits,
        "{\"budgets\": [{\"name\": \"metered\", \"tokens\": 1000000, \"window\": \"1h\"}]}");
    try (TopologyHarness h =
        new TopologyHarness(Map.of("TOKENTALLY_LIMITS_FILE", limits.toString()))) {
      h.respond("b1", message("msg_b", 11, 0, 2), AT);
      h.pipe("b1", REQUEST, AT.plusSeconds(1), "X-Opper-Name", "metered");

      JsonNode b1 = h.reconciled().get("b1");
      assertThat(b1.path("status").asText()).isEqualTo("reconciled");
      assertThat(b1.path("name").asText()).isEqualTo("metered");
      assertThat(h.enriched().path("input_tokens").asLong())
          .isEqualTo(b1.path("estimated_input_tokens").asLong());
    }
  }

  @Test
  void withReconciliationOffTheTopologyReadsNoResponses() {
    try (TopologyHarness h = new TopologyHarness(Map.of("TOKENTALLY_RECONCILE_ENABLED", "false"))) {
      assertThat(h.topologyDescription()).doesNotContain("llm.responses", "reconcile");
    }
  }

  private static JsonNode allTime(List<JsonNode> records, String name) {
    JsonNode last = null;
    for (JsonNode r : records) {
      if (r.path("window").asText().equals("all") && r.path("name").asText().equals(name)) {
        last = r;
      }
    }
    assertThat(last).as("an all-time record for %s", name).isNotNull();
    return last;
  }
}
