package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.config.ConfigException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budgets that count input, input + output or dollars: a request reserves its estimate and, where
 * output counts, its {@code max_tokens} at the output rate; its reconciled usage replaces the
 * reservation, a missing response keeps the input estimate only, and an unbilled response or a
 * repeated request gives it all back. Dollar figures follow Anthropic's published Sonnet 4.5 rates
 * ($3 input, $15 output per million tokens).
 */
class SettlingBudgetsTest {
  private static final Instant AT = Instant.parse("2026-11-22T10:00:05Z");
  private static final long HOUR_START = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();

  @TempDir Path dir;

  private static String request(int maxTokens) {
    return "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":"
        + maxTokens
        + ",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";
  }

  private static String message(long input, long output) {
    return """
        {"id":"msg_x","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
         "content":[{"type":"text","text":"Hi"}],"stop_reason":"end_turn",
         "usage":{"input_tokens":%d,"cache_creation_input_tokens":0,
                  "cache_read_input_tokens":0,"output_tokens":%d}}"""
        .formatted(input, output);
  }

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  private TopologyHarness harness(String budgets, String... env) throws Exception {
    Path limits = dir.resolve("limits.json");
    Files.writeString(limits, "{\"budgets\": [" + budgets + "]}");
    Map<String, String> settings = new java.util.HashMap<>();
    settings.put("TOKENTALLY_LIMITS_FILE", limits.toString());
    for (int i = 0; i < env.length; i += 2) {
      settings.put(env[i], env[i + 1]);
    }
    return new TopologyHarness(settings, meters);
  }

  /** What the name has used of its budget in the hour of {@link #AT}. */
  private static long used(TopologyHarness h, String stateKey) {
    WindowStore<String, Long> store = h.driver.getWindowStore(Names.BUDGET_STORE);
    Long v = store.fetch(stateKey, HOUR_START);
    return v == null ? 0 : v;
  }

  private static List<String> enrichedKeys(TopologyHarness h) {
    List<String> keys = new ArrayList<>();
    while (!h.noEnriched()) {
      keys.add(new String(h.enrichedRecord().key(), StandardCharsets.UTF_8));
    }
    return keys;
  }

  /** The estimate of {@link #request}, as the stream counts it. */
  private long estimate() throws Exception {
    try (TopologyHarness h = new TopologyHarness(Map.of())) {
      h.pipe("e", request(1), AT);
      return h.enriched().path("input_tokens").asLong();
    }
  }

  @Test
  void anInputAndOutputBudgetReservesMaxTokensAndSettlesOnTheBilledUsage() throws Exception {
    long e = estimate();
    // Room for two reservations of e + 100, not three.
    long limit = 2 * (e + 100) + 50;
    try (TopologyHarness h =
        harness(
            "{\"name\": \"chat\", \"tokens\": "
                + limit
                + ", \"counts\": \"input_output\","
                + " \"window\": \"1h\"}")) {
      String key = "chat@1h/input_output\nchat";
      h.pipe("r1", request(100), AT, "X-Opper-Name", "chat");
      h.pipe("r2", request(100), AT.plusSeconds(1), "X-Opper-Name", "chat");
      assertThat(used(h, key)).isEqualTo(2 * (e + 100));

      h.pipe("r3", request(100), AT.plusSeconds(2), "X-Opper-Name", "chat");
      JsonNode refused = h.deadLetter();
      assertThat(refused.at("/error/code").asText()).isEqualTo("budget_exceeded");
      assertThat(refused.at("/error/details/counts").asText()).isEqualTo("input_output");
      assertThat(refused.at("/error/details/used_tokens").asLong()).isEqualTo(2 * (e + 100));
      assertThat(refused.at("/error/details/request_tokens").asLong()).isEqualTo(e + 100);
      assertThat(refused.at("/error/details/reserved_output_tokens").asLong()).isEqualTo(100);

      // r1 billed 12 in, 8 out: its reservation gives way to 20 tokens.
      h.respond("r1", message(12, 8), AT.plusSeconds(3));
      assertThat(used(h, key)).isEqualTo((e + 100) + 20);
      // A repeated response charges nothing more.
      h.respond("r1", message(12, 8), AT.plusSeconds(4));
      assertThat(used(h, key)).isEqualTo((e + 100) + 20);

      h.pipe("r4", request(100), AT.plusSeconds(5), "X-Opper-Name", "chat");
      assertThat(enrichedKeys(h)).containsExactly("r1", "r2", "r4");
      assertThat(used(h, key)).isEqualTo(2 * (e + 100) + 20);
      assertThat(
              meters
                  .get("tokentally.budget.used.ratio")
                  .tags("budget", "chat", "name", "chat")
                  .gauge()
                  .value())
          .isEqualTo((double) (2 * (e + 100) + 20) / limit);
    }
  }

  @Test
  void aDollarBudgetKeepsTheInputEstimateWhenNoResponseComes() throws Exception {
    long e = estimate();
    double inputUsd = e * 3.0 / 1e6;
    long reservedNanos = Math.round(inputUsd * 1e9) + Math.round(1000 * 15.0 / 1e6 * 1e9);
    try (TopologyHarness h =
        harness(
            "{\"name\": \"*\", \"usd\": 0.04, \"window\": \"1h\"}",
            "TOKENTALLY_RECONCILE_WINDOW",
            "1m",
            "TOKENTALLY_RECONCILE_GRACE",
            "0s")) {
      String key = "*@1h/usd\nagent";
      h.pipe("a1", request(1000), AT, "X-Opper-Name", "agent");
      h.pipe("a2", request(1000), AT.plusSeconds(1), "X-Opper-Name", "agent");
      assertThat(used(h, key)).isEqualTo(2 * reservedNanos);
      h.pipe("a3", request(1000), AT.plusSeconds(2), "X-Opper-Name", "agent");
      JsonNode refused = h.deadLetter();
      assertThat(refused.at("/error/details/budget_usd").asDouble()).isEqualTo(0.04);
      assertThat(refused.at("/error/details/used_usd").asDouble())
          .isEqualTo(2 * reservedNanos / 1e9);
      assertThat(refused.at("/error/message").asText()).contains("of its $0.04 per 1h");

      // Two minutes on, neither has had a response: each keeps its input, gives back its output.
      h.pipe("later", request(1), AT.plusSeconds(125), "X-Opper-Name", "other");
      assertThat(h.reconciled().values())
          .extracting(r -> r.path("status").asText())
          .containsOnly("no_response");
      assertThat(used(h, key)).isEqualTo(2 * Math.round(inputUsd * 1e9));
      h.pipe("a4", request(1000), AT.plusSeconds(126), "X-Opper-Name", "agent");
      assertThat(enrichedKeys(h)).contains("a1", "a2", "a4");
    }
  }

  @Test
  void anUnbilledResponseAndARepeatedRequestGiveTheirReservationBack() throws Exception {
    try (TopologyHarness h =
        harness("{\"name\": \"*\", \"tokens\": 100000, \"counts\": \"input_output\"}")) {
      String key = "*@1m/input_output\nops";
      long minute = Instant.parse("2026-11-22T10:00:00Z").toEpochMilli();
      WindowStore<String, Long> store = h.driver.getWindowStore(Names.BUDGET_STORE);
      h.pipe("x1", request(500), AT, "X-Opper-Name", "ops");
      long one = store.fetch(key, minute);
      h.respond("x1", "{\"status\":529,\"headers\":{},\"body\":{\"type\":\"error\"}}", AT);
      assertThat(store.fetch(key, minute)).isZero();

      h.pipe("x2", request(500), AT.plusSeconds(1), "X-Opper-Name", "ops");
      h.pipe("x2", request(500), AT.plusSeconds(2), "X-Opper-Name", "ops");
      assertThat(h.reconciled().get("x2").path("status").asText()).isEqualTo("duplicate_request");
      assertThat(store.fetch(key, minute)).isEqualTo(one);
    }
  }

  @Test
  void anInputBudgetSettlesOnTheBilledInput() throws Exception {
    long e = estimate();
    try (TopologyHarness h = harness("{\"name\": \"*\", \"tokens\": 100000, \"window\": \"1h\"}")) {
      String key = "*@1h\nbot";
      h.pipe("i1", request(100), AT, "X-Opper-Name", "bot");
      assertThat(used(h, key)).isEqualTo(e);
      h.respond("i1", message(e + 7, 30), AT.plusSeconds(1));
      assertThat(used(h, key)).isEqualTo(e + 7);
    }
  }

  @Test
  void budgetsThatCountOutputNeedReconciliation() throws Exception {
    Path limits = dir.resolve("limits.json");
    Files.writeString(limits, "{\"budgets\": [{\"name\": \"*\", \"usd\": 5}]}");
    assertThatThrownBy(
            () ->
                ConfigLoader.load(
                    null,
                    Map.of(
                        "TOKENTALLY_LIMITS_FILE",
                        limits.toString(),
                        "TOKENTALLY_RECONCILE_ENABLED",
                        "false")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tokentally.reconcile.enabled");
    Files.writeString(limits, "{\"budgets\": [{\"name\": \"*\", \"usd\": 5, \"tokens\": 9}]}");
    assertThatThrownBy(
            () -> ConfigLoader.load(null, Map.of("TOKENTALLY_LIMITS_FILE", limits.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("exactly one of");
  }
}
