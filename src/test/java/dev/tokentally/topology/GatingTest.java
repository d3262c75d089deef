package dev.tokentally.topology;

import static dev.tokentally.topology.TopologyHarness.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.testing.RecordSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each dead-letter code from the topology, with its details and the code header. */
class GatingTest {
  private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
  private static final String CLAUDE =
      "{\"model\":\"claude-3-5-sonnet-20241022\",\"system\":\"You are a scientist\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";

  @TempDir Path dir;

  /** The next dead letter, whose code header must agree with its body. */
  private static JsonNode deadLetter(TopologyHarness h) {
    var record = h.deadLetterRecord();
    JsonNode value = readTree(record.value());
    String header =
        new String(
            record.headers().lastHeader(ErrorResponse.CODE_HEADER).value(), StandardCharsets.UTF_8);
    assertThat(value.at("/error/code").asText()).isEqualTo(header);
    return value;
  }

  private static String code(JsonNode deadLetter) {
    return deadLetter.at("/error/code").asText();
  }

  private static JsonNode readTree(byte[] value) {
    return RecordSchemas.DEAD_LETTER.assertValid(value);
  }

  @Test
  void rejectsInvalidJsonInvalidRequestsAndUnknownModels() {
    try (TopologyHarness h = new TopologyHarness(Map.of())) {
      h.pipe("a", "{\"model\": ", AT);
      h.pipe(
          "b",
          """
          {"model":"claude-sonnet-4-5","messages":{}}""",
          AT);
      h.pipe("c", CLAUDE.replace("claude-3-5-sonnet-20241022", "claude-99"), AT);
      h.pipe("d", "[" + "[".repeat(200) + "]".repeat(200) + "]", AT);
      JsonNode v;

      v = deadLetter(h);

      assertThat(code(v)).isEqualTo("invalid_json");
      assertThat(v.at("/error/details/line").asInt()).isEqualTo(1);
      v = deadLetter(h);
      assertThat(code(v)).isEqualTo("invalid_request");
      assertThat(v.at("/error/details/path").asText()).isEqualTo("$.messages");
      v = deadLetter(h);
      assertThat(code(v)).isEqualTo("unknown_model");
      assertThat(v.at("/meta/model").asText()).isEqualTo("claude-99");
      v = deadLetter(h);
      assertThat(code(v)).isEqualTo("invalid_json");
      assertThat(v.at("/error/details/max_nesting_depth").asInt()).isEqualTo(128);
      assertThat(h.noEnriched()).isTrue();
    }
  }

  @Test
  void rejectsInputAloneOrInputPlusMaxTokensAboveTheContextWindow() {
    try (TopologyHarness h = new TopologyHarness(Map.of())) {
      String big = "hello ".repeat(210_000);
      h.pipe(
          "alone",
          "{\"model\":\"claude-3-5-sonnet-20241022\",\"messages\":[{\"role\":\"user\",\"content\":\""
              + big
              + "\"}]}",
          AT);
      h.pipe("plus", CLAUDE.replace("{\"model\"", "{\"max_tokens\":199990,\"model\""), AT);
      h.pipe("fits", CLAUDE.replace("{\"model\"", "{\"max_tokens\":199986,\"model\""), AT);
      JsonNode v;

      v = deadLetter(h);

      assertThat(code(v)).isEqualTo("context_window_exceeded");
      assertThat(v.at("/error/details/exceeded_by").asText()).isEqualTo("input_tokens");
      assertThat(v.at("/error/details/input_tokens").asLong()).isGreaterThan(200_000);
      assertThat(v.at("/error/details/context_window").asLong()).isEqualTo(200_000);
      v = deadLetter(h);
      assertThat(code(v)).isEqualTo("context_window_exceeded");
      assertThat(v.at("/error/details/exceeded_by").asText())
          .isEqualTo("input_tokens+max_output_tokens");
      assertThat(v.at("/error/details/input_tokens").asLong()).isEqualTo(14);
      assertThat(v.at("/error/details/max_output_tokens").asLong()).isEqualTo(199_990);
      assertThat(h.enriched().get("max_output_tokens").asLong()).isEqualTo(199_986);
    }
  }

  @Test
  void leavesTheCountsErrorBarAsContextHeadroomOnlyWhenConfigured() {
    String fitsExactly = CLAUDE.replace("{\"model\"", "{\"max_tokens\":199986,\"model\"");
    try (TopologyHarness h =
        new TopologyHarness(Map.of("TOKENTALLY_LIMITS_CONTEXT_HEADROOM", "error_bar"))) {
      h.pipe("near", fitsExactly, AT);
      JsonNode v;

      v = deadLetter(h);

      assertThat(code(v)).isEqualTo("context_window_exceeded");
      assertThat(v.at("/error/details/input_tokens").asLong()).isEqualTo(14);
      long headroom = v.at("/error/details/headroom_tokens").asLong();
      assertThat(headroom).isPositive();
      assertThat(v.at("/error/message").asText()).contains("error headroom");
    }
    try (TopologyHarness h = new TopologyHarness(Map.of())) {
      h.pipe("near", fitsExactly, AT);
      JsonNode enriched = h.enriched();
      assertThat(enriched.get("input_tokens").asLong()).isEqualTo(14);
      assertThat(enriched.get("count_error_pct").asDouble()).isPositive();
    }
  }

  @Test
  void appliesTheTightestRequestCapOfDefaultModelAndName() throws IOException {
    Path limits = dir.resolve("limits.json");
    Files.writeString(
        limits,
        """
        {"request_max_tokens": {"default": 1000,
                                "models": {"claude-3-5-sonnet": 100},
                                "names": {"tiny": 10}}}
        """);
    try (TopologyHarness h =
        new TopologyHarness(Map.of("TOKENTALLY_LIMITS_FILE", limits.toString()))) {
      h.pipe("ok", CLAUDE, AT, "X-Opper-Name", "roomy");
      h.pipe("name", CLAUDE, AT, "X-Opper-Name", "tiny");
      h.pipe(
          "model",
          CLAUDE.replace("Hello, Claude", "word ".repeat(150)),
          AT,
          "X-Opper-Name",
          "roomy");
      JsonNode v;

      assertThat(h.enriched().get("input_tokens").asInt()).isEqualTo(14);
      v = deadLetter(h);
      assertThat(code(v)).isEqualTo("request_token_limit_exceeded");
      assertThat(v.at("/error/details/scope").asText()).isEqualTo("name");
      assertThat(v.at("/error/details/limit").asLong()).isEqualTo(10);
      assertThat(v.at("/meta/name").asText()).isEqualTo("tiny");
      v = deadLetter(h);
      assertThat(code(v)).isEqualTo("request_token_limit_exceeded");
      assertThat(v.at("/error/details/scope").asText()).isEqualTo("model");
      assertThat(v.at("/error/details/subject").asText()).isEqualTo("claude-3-5-sonnet");
    }
  }

  @Test
  void appliesTheDefaultCapFromAPlainSetting() {
    try (TopologyHarness h =
        new TopologyHarness(Map.of("TOKENTALLY_LIMITS_REQUEST_MAX_TOKENS", "13"))) {
      h.pipe("k", CLAUDE, AT);
      JsonNode v;

      v = deadLetter(h);

      assertThat(code(v)).isEqualTo("request_token_limit_exceeded");
      assertThat(v.at("/error/details/scope").asText()).isEqualTo("default");
    }
  }

  @Test
  void rejectsAnOversizedValueKeepingAHashedPrefixOfIt() throws Exception {
    try (TopologyHarness h = new TopologyHarness(Map.of("TOKENTALLY_REQUEST_MAX_BYTES", "2048"))) {
      byte[] small = utf8(CLAUDE.replace("Hello, Claude", "x".repeat(2500)));
      byte[] huge = utf8(CLAUDE.replace("Hello, Claude", "é".repeat(100_000)));
      h.pipe("small", small, AT);
      h.pipe("huge", huge, AT);
      JsonNode v;

      v = deadLetter(h);

      assertThat(code(v)).isEqualTo("payload_too_large");
      assertThat(v.at("/error/details/max_bytes").asInt()).isEqualTo(2048);
      assertThat(v.at("/meta/payload").asText())
          .isEqualTo(new String(small, StandardCharsets.UTF_8));
      v = deadLetter(h);
      assertThat(code(v)).isEqualTo("payload_too_large");
      assertThat(v.at("/meta/payload_truncated").asBoolean()).isTrue();
      assertThat(v.at("/meta/payload_bytes").asInt()).isEqualTo(huge.length);
      assertThat(v.at("/meta/payload_sha256").asText())
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(huge)));
      String kept = v.at("/meta/payload").asText();
      assertThat(utf8(kept).length).isBetween(64 * 1024 - 3, 64 * 1024);
      assertThat(new String(huge, StandardCharsets.UTF_8)).startsWith(kept);
    }
  }

  @Test
  void blanksCredentialsInTheKeptPrefixButDescribeTheOriginalBytes() throws Exception {
    try (TopologyHarness h = new TopologyHarness(Map.of("TOKENTALLY_REQUEST_MAX_BYTES", "2048"))) {
      byte[] small =
          utf8("{\"api_key\":\"sk-small-secret\"," + CLAUDE.substring(1) + " ".repeat(2100));
      byte[] huge =
          utf8("{\"api_key\":\"sk-huge-secret\"," + CLAUDE.substring(1) + " ".repeat(100_000));
      h.pipe("small", small, AT);
      h.pipe("huge", huge, AT);
      JsonNode v;

      v = deadLetter(h);

      assertThat(code(v)).isEqualTo("payload_too_large");
      assertThat(v.at("/meta/payload").asText())
          .startsWith(
              """
              {"api_key":"[REDACTED]",""");
      assertThat(v.at("/meta").has("payload_truncated")).isFalse();
      v = deadLetter(h);
      assertThat(code(v)).isEqualTo("payload_too_large");
      assertThat(v.at("/meta/payload").asText())
          .startsWith(
              """
              {"api_key":"[REDACTED]",""")
          .doesNotContain("secret");
      assertThat(v.at("/meta/payload_bytes").asInt()).isEqualTo(huge.length);
      assertThat(v.at("/meta/payload_sha256").asText())
          .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(huge)));
    }
  }

  @Test
  void chargesBudgetsPerNameAndWindowAndNotChargeRejections() throws IOException {
    Path limits = dir.resolve("limits.json");
    Files.writeString(
        limits,
        """
        {"budgets": [{"name": "summarise", "tokens": 30, "window": "1m"},
                     {"name": "*", "tokens": 45, "window": "1h"}]}
        """);
    try (TopologyHarness h =
        new TopologyHarness(Map.of("TOKENTALLY_LIMITS_FILE", limits.toString()))) {
      Instant t0 = Instant.parse("2026-11-22T10:00:05Z");
      h.pipe("s1", CLAUDE, t0, "X-Opper-Name", "summarise");
      h.pipe("s2", CLAUDE, t0.plusSeconds(10), "X-Opper-Name", "summarise");
      h.pipe("s3", CLAUDE, t0.plusSeconds(20), "X-Opper-Name", "summarise");
      h.pipe("o1", CLAUDE, t0.plusSeconds(21), "X-Opper-Name", "other");
      h.pipe("u1", CLAUDE, t0.plusSeconds(22));
      // Next minute: the 1m budget is fresh, and the 1h budget (45) still has 28 + 14 = 42.
      h.pipe("s4", CLAUDE, t0.plusSeconds(60), "X-Opper-Name", "summarise");
      h.pipe("s5", CLAUDE, t0.plusSeconds(61), "X-Opper-Name", "summarise");
      // Next hour: both budgets are fresh.
      h.pipe("s6", CLAUDE, t0.plusSeconds(3600), "X-Opper-Name", "summarise");

      List<String> accepted = new ArrayList<>();
      while (!h.noEnriched()) {
        accepted.add(new String(h.enrichedRecord().key(), StandardCharsets.UTF_8));
      }
      assertThat(accepted).containsExactlyInAnyOrder("s1", "s2", "o1", "u1", "s4", "s6");
      JsonNode v;
      var s3 = h.deadLetterRecord();
      assertThat(new String(s3.key(), StandardCharsets.UTF_8)).isEqualTo("s3");
      JsonNode d3 = readTree(s3.value());
      assertThat(d3.at("/error/code").asText()).isEqualTo("budget_exceeded");
      assertThat(d3.at("/error/details/budget_tokens").asLong()).isEqualTo(30);
      assertThat(d3.at("/error/details/used_tokens").asLong()).isEqualTo(28);
      assertThat(d3.at("/error/details/window").asText()).isEqualTo("1m");
      assertThat(d3.at("/error/details/window_start").asText()).isEqualTo("2026-11-22T10:00:00Z");
      assertThat(d3.at("/meta/payload").asText()).isEqualTo(CLAUDE);
      assertThat(d3.at("/meta/source/offset").asLong()).isEqualTo(2);
      v = deadLetter(h);
      assertThat(code(v)).isEqualTo("budget_exceeded");
      assertThat(v.at("/error/details/budget").asText()).isEqualTo("*");
      assertThat(v.at("/error/details/used_tokens").asLong()).isEqualTo(42);
      assertThat(h.noDeadLetters()).isTrue();
    }
  }
}
