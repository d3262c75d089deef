package dev.tokentally.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tokentally.reconcile.ActualUsage;
import dev.tokentally.reconcile.JoinEntry;
import dev.tokentally.reconcile.JoinEntrySerde;
import dev.tokentally.reconcile.ResponseOutcome;
import dev.tokentally.reconcile.ResponseReader;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Vendor responses as the responses topic carries them: {@link ResponseReader#read} decides the
 * outcome and never throws, and a joinable outcome survives the join store's serde unchanged.
 */
@Timeout(
    value = FuzzTargets.TIMEOUT_SECONDS,
    unit = TimeUnit.SECONDS,
    threadMode = ThreadMode.SEPARATE_THREAD)
class ResponseFuzzTest {
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @DictionaryEntries({
    "data: ",
    "event: ",
    "[DONE]",
    "\"type\"",
    "\"message\"",
    "\"message_start\"",
    "\"message_delta\"",
    "\"usage\"",
    "\"input_tokens\"",
    "\"output_tokens\"",
    "\"cache_read_input_tokens\"",
    "\"cache_creation_input_tokens\"",
    "\"cache_creation\"",
    "\"ephemeral_5m_input_tokens\"",
    "\"ephemeral_1h_input_tokens\"",
    "\"iterations\"",
    "\"server_tool_use\"",
    "\"service_tier\"",
    "\"custom_id\"",
    "\"result\"",
    "\"succeeded\"",
    "\"status\"",
    "\"body\"",
    "\"headers\"",
    "\"usageMetadata\"",
    "\"promptTokenCount\"",
    "\"cachedContentTokenCount\"",
    "\"candidatesTokenCount\"",
    "\"thoughtsTokenCount\"",
    "\"toolUsePromptTokenCount\"",
    "\"totalTokenCount\"",
    "\"trafficType\"",
    "\"candidates\"",
    "\"finishReason\"",
    "\"responseId\"",
    "\"modelVersion\""
  })
  void vendorResponse(byte[] value) {
    ResponseOutcome outcome = ResponseReader.read(value);
    assertThat(outcome).isNotNull();
    if (outcome instanceof ResponseOutcome.Billed billed) {
      ActualUsage usage = billed.usage();
      assertThat(usage.vendor()).isIn("anthropic", "gemini");
    }
    JoinEntry.Response entry = JoinEntry.Response.of(outcome, 1_767_225_600_000L);
    if (entry != null) {
      assertThat(JoinEntrySerde.read(JoinEntrySerde.write(entry))).isEqualTo(entry);
    }
  }
}
