package dev.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokentally.models.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The joined record: estimate beside what was billed, or which side is missing. */
class ReconciledTest {
  private static final ModelRegistry REGISTRY = ModelRegistry.builtIn();
  private static final LocalDate DAY = LocalDate.parse("2026-01-15");

  private static ActualUsage read(String response) {
    return ((ResponseOutcome.Billed) ResponseReader.read(response.getBytes(StandardCharsets.UTF_8)))
        .usage();
  }

  @Test
  void putsTheEstimateBesideTheBilledBucketsTheirCostAndTheError() {
    ActualUsage usage =
        read(
            """
            {"type":"message","id":"msg_9","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":900,"cache_read_input_tokens":100,"output_tokens":200}}""");
    Reconciled.Estimate estimate =
        new Reconciled.Estimate("claude-sonnet-4-5", "summarise", 1_050, "calibrated");
    JsonNode r =
        Reconciled.record(estimate, usage, UsageCost.of(usage, null, REGISTRY, DAY, false));

    assertThat(r.get("status").asText()).isEqualTo("reconciled");
    assertThat(r.get("estimated_input_tokens").asLong()).isEqualTo(1_050);
    assertThat(r.get("actual_input_tokens").asLong()).isEqualTo(1_000);
    assertThat(r.get("actual_output_tokens").asLong()).isEqualTo(200);
    assertThat(r.at("/actual/cache_read_input_tokens").asLong()).isEqualTo(100);
    assertThat(r.get("estimate_error_pct").asDouble()).isEqualTo(5.0);
    assertThat(r.get("estimate_comparable").asBoolean()).isTrue();
    assertThat(r.get("actual_cost_usd").asDouble())
        .isCloseTo((900 * 3 + 100 * 0.3 + 200 * 15) / 1e6, within(1e-12));
    assertThat(r.get("vendor_id").asText()).isEqualTo("msg_9");
  }

  @Test
  void marksServerToolPairsIncomparableAndKeepsUnknownCostsUnknown() {
    ActualUsage search =
        read(
            """
            {"type":"message","model":"claude-sonnet-4-5","usage":{"input_tokens":10682,"output_tokens":510,"server_tool_use":{"web_search_requests":1}}}""");
    JsonNode r =
        Reconciled.record(
            new Reconciled.Estimate("claude-sonnet-4-5", "research", 2_679, "calibrated"),
            search,
            UsageCost.of(search, null, REGISTRY, DAY, false));
    assertThat(r.get("estimate_comparable").asBoolean()).isFalse();
    assertThat(r.at("/actual/server_tool_requests/web_search_requests").asLong()).isEqualTo(1);

    ActualUsage unpriced =
        read(
            """
            {"type":"message","model":"claude-opus-4-7","usage":{"input_tokens":10,"output_tokens":5}}""");
    JsonNode u =
        Reconciled.record(
            new Reconciled.Estimate("claude-opus-4-7", "x", 10, "calibrated"),
            unpriced,
            UsageCost.of(unpriced, null, REGISTRY, DAY, false));
    assertThat(u.get("actual_cost_usd").isNull()).isTrue();
    assertThat(u.get("actual_cost_unknown").asText()).contains("no price");
  }

  @Test
  void saysWhichSideIsMissing() {
    JsonNode none =
        Reconciled.record(new Reconciled.Estimate("gemini-2.5-flash", "a", 7, "exact"), null, null);
    assertThat(none.get("status").asText()).isEqualTo("no_response");
    assertThat(none.has("actual_input_tokens")).isFalse();
    ActualUsage usage =
        read(
            """
            {"candidates":[{"finishReason":"STOP"}],"modelVersion":"gemini-2.5-flash","usageMetadata":{"promptTokenCount":7,"candidatesTokenCount":3,"totalTokenCount":10}}""");
    JsonNode orphan =
        Reconciled.record(null, usage, UsageCost.of(usage, null, REGISTRY, DAY, false));
    assertThat(orphan.get("status").asText()).isEqualTo("orphan");
    assertThat(orphan.get("model").asText()).isEqualTo("gemini-2.5-flash");
    assertThat(orphan.get("actual_cost_usd").asDouble())
        .isCloseTo((7 * 0.30 + 3 * 2.50) / 1e6, within(1e-12));
    assertThat(orphan.has("estimate_error_pct")).isFalse();
    assertThatThrownBy(() -> Reconciled.record(null, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
