package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokentally.usage.UsageDimension;
import dev.tokentally.usage.UsagePartial;
import dev.tokentally.usage.UsageRecords;
import dev.tokentally.usage.UsageTotals;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/** Usage aggregates: windows, late records inside and beyond grace, all-time totals, final mode. */
class UsageWindowsTest {
  private static final String CLAUDE =
      "{\"model\":\"claude-3-5-sonnet-20241022\",\"system\":\"You are a scientist\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";
  private static final long TOKENS = 14;
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");

  /** The latest record per (key fields, window, window_start): what a compacted topic keeps. */
  private static Map<String, JsonNode> latest(List<JsonNode> records) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (JsonNode r : records) {
      String key =
          r.path("name").asText("-")
              + "|"
              + r.path("model").asText("-")
              + "|"
              + r.get("window").asText()
              + "|"
              + r.get("window_start").asText("all");
      out.put(key, r);
    }
    return out;
  }

  @Test
  void countsLateRecordsWithinGraceAndDropThemFromClosedWindowsOnly() {
    try (TopologyHarness h = new TopologyHarness(Map.of("TOKENTALLY_USAGE_GRACE", "1m"))) {
      h.pipe("a", CLAUDE, T0.plusSeconds(10), "X-Opper-Name", "fn");
      h.pipe("b", CLAUDE, T0.plusSeconds(70), "X-Opper-Name", "fn");
      h.pipe("late-in-grace", CLAUDE, T0.plusSeconds(30), "X-Opper-Name", "fn");
      h.pipe("tick", CLAUDE, T0.plusSeconds(200), "X-Opper-Name", "fn");
      h.pipe("late-beyond-grace", CLAUDE, T0.plusSeconds(40), "X-Opper-Name", "fn");
      h.pipe("bad", "{", T0.plusSeconds(201), "X-Opper-Name", "fn");

      Map<String, JsonNode> byName = latest(h.usage("by-name"));

      JsonNode first = byName.get("fn|-|1m|2026-11-22T10:00:00Z");
      assertThat(first.get("requests").asLong()).as("a + late-in-grace").isEqualTo(2);
      assertThat(first.get("input_tokens").asLong()).isEqualTo(2 * TOKENS);
      assertThat(first.get("window_end").asText()).isEqualTo("2026-11-22T10:01:00Z");
      assertThat(first.get("final").asBoolean()).isFalse();
      JsonNode hour = byName.get("fn|-|1h|2026-11-22T10:00:00Z");
      assertThat(hour.get("requests").asLong()).as("all five valid records").isEqualTo(5);
      assertThat(hour.get("rejected").get("invalid_json").asLong()).isEqualTo(1);
      assertThat(hour.get("rejected_total").asLong()).isEqualTo(1);
      JsonNode all = byName.get("fn|-|all|all");
      assertThat(all.get("requests").asLong()).isEqualTo(5);
      assertThat(all.get("window_start").isNull()).isTrue();
      assertThat(all.get("estimated_cost_usd").asDouble()).isEqualTo(5 * TOKENS * 3.0 / 1e6);

      Map<String, JsonNode> byModel = latest(h.usage("by-model"));
      assertThat(byModel.get("-|claude-3-5-sonnet|all|all").get("requests").asLong()).isEqualTo(5);
      assertThat(byModel.get("-|(unknown)|all|all").get("rejected").get("invalid_json").asLong())
          .isEqualTo(1);
      Map<String, JsonNode> byNameModel = latest(h.usage("by-name-model"));
      assertThat(
              byNameModel
                  .get("fn|claude-3-5-sonnet|1h|2026-11-22T10:00:00Z")
                  .get("requests")
                  .asLong())
          .isEqualTo(5);
    }
  }

  @Test
  void keepsSeparateTotalsPerNameAndModelAndUseConfiguredWindows() {
    try (TopologyHarness h = new TopologyHarness(Map.of("TOKENTALLY_USAGE_WINDOWS", "30s,1d"))) {
      h.pipe("a", CLAUDE, T0, "X-Opper-Name", "one");
      h.pipe(
          "b",
          CLAUDE.replace("claude-3-5-sonnet-20241022", "claude-sonnet-4-5"),
          T0,
          "X-Opper-Name",
          "one");
      h.pipe("c", CLAUDE, T0.plusSeconds(31), "X-Opper-Name", "two");
      h.pipe("d", CLAUDE, T0.plusSeconds(32));

      Map<String, JsonNode> byNameModel = latest(h.usage("by-name-model"));

      assertThat(byNameModel)
          .containsKeys(
              "one|claude-3-5-sonnet|30s|2026-11-22T10:00:00Z",
              "one|claude-sonnet-4-5|30s|2026-11-22T10:00:00Z",
              "two|claude-3-5-sonnet|30s|2026-11-22T10:00:30Z",
              "(unnamed)|claude-3-5-sonnet|30s|2026-11-22T10:00:30Z",
              "one|claude-3-5-sonnet|1d|2026-11-22T00:00:00Z");
      assertThat(byNameModel.keySet()).noneMatch(k -> k.contains("|1m|") || k.contains("|1h|"));
      Map<String, JsonNode> byName = latest(h.usage("by-name"));
      assertThat(byName.get("one|-|all|all").get("requests").asLong()).isEqualTo(2);
      Map<String, JsonNode> byModel = latest(h.usage("by-model"));
      assertThat(byModel.get("-|claude-3-5-sonnet|all|all").get("requests").asLong())
          .as("a, c and d, summed over three names")
          .isEqualTo(3);
      assertThat(
              byModel.get("-|claude-3-5-sonnet|30s|2026-11-22T10:00:30Z").get("requests").asLong())
          .as("c and d")
          .isEqualTo(2);
    }
  }

  @Test
  void sendsTheByModelPartialsAnEarlierVersionLeftInTheCombinerWithTheNewOnes() {
    try (TopologyHarness h = new TopologyHarness(Map.of())) {
      KeyValueStore<String, UsagePartial> combiner =
          h.driver.getKeyValueStore(Names.USAGE_COMBINER);
      // The layout of an entry the version that combined all three dimensions left unflushed.
      combiner.put(
          "by-model\nall\n-1\nclaude-3-5-sonnet",
          new UsagePartial(
              UsageDimension.MODEL,
              "claude-3-5-sonnet",
              UsageRecords.ALL_TIME,
              -1,
              new UsageTotals(3, 3 * TOKENS, 0, Map.of()),
              T0.toEpochMilli()));
      h.pipe("a", CLAUDE, T0.plusSeconds(1), "X-Opper-Name", "fn");

      Map<String, JsonNode> byModel = latest(h.usage("by-model"));

      assertThat(byModel.get("-|claude-3-5-sonnet|all|all").get("requests").asLong()).isEqualTo(4);
      assertThat(latest(h.usage("by-name")).get("fn|-|all|all").get("requests").asLong())
          .isEqualTo(1);
    }
  }

  @Test
  void emitsOneFinalRecordPerWindowOnCloseAndNoAllTimeRecords() {
    try (TopologyHarness h =
        new TopologyHarness(
            Map.of("TOKENTALLY_USAGE_EMIT", "final", "TOKENTALLY_USAGE_GRACE", "10s"))) {
      h.pipe("a", CLAUDE, T0.plusSeconds(1), "X-Opper-Name", "bill");
      h.pipe("b", CLAUDE, T0.plusSeconds(2), "X-Opper-Name", "bill");
      h.pipe("c", CLAUDE, T0.plusSeconds(65), "X-Opper-Name", "bill");
      assertThat(h.usage("by-name")).as("nothing closes before end + grace").isEmpty();

      // Closing is checked at most once per emit interval of wall-clock time.
      h.driver.advanceWallClockTime(Duration.ofSeconds(2));
      h.pipe("d", CLAUDE, T0.plusSeconds(71), "X-Opper-Name", "bill");
      List<JsonNode> closed = h.usage("by-name");

      assertThat(closed).hasSize(1);
      JsonNode only = closed.get(0);
      assertThat(only.get("window").asText()).isEqualTo("1m");
      assertThat(only.get("window_start").asText()).isEqualTo("2026-11-22T10:00:00Z");
      assertThat(only.get("requests").asLong()).isEqualTo(2);
      assertThat(only.get("final").asBoolean()).isTrue();
    }
  }
}
