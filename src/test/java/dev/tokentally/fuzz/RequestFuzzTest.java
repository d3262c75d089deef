package dev.tokentally.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.app.Wiring;
import dev.tokentally.enrich.Assessment;
import dev.tokentally.enrich.CountedRequest;
import dev.tokentally.enrich.InboundRecord;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.limits.Budget;
import dev.tokentally.limits.Spend;
import dev.tokentally.request.SourcePosition;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * Record values through the stream's own entry point, {@link RequestAssessor#assess}: size check,
 * credential redaction, parsing, counting, the gates, and the enriched value or the dead letter.
 * Whatever a record holds, it is counted or refused; anything thrown is a finding. The three
 * targets differ in their seeds (bare Anthropic bodies, bare Gemini bodies naming their model,
 * captured HTTP requests), so each corpus stays near one shape.
 */
@Timeout(
    value = FuzzTargets.TIMEOUT_SECONDS,
    unit = TimeUnit.SECONDS,
    threadMode = ThreadMode.SEPARATE_THREAD)
class RequestFuzzTest {
  /** The production parts with default settings; loading the vocabularies takes seconds, once. */
  private static final RequestAssessor ASSESSOR =
      Wiring.of(ConfigLoader.load(null, Map.of())).assessor();

  /** 2026-01-01, a day every shipped price covers. */
  private static final SourcePosition SOURCE =
      new SourcePosition("llm.requests", 0, 42, 1_767_225_600_000L);

  private static final byte[] KEY = "fuzz".getBytes(StandardCharsets.UTF_8);

  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @DictionaryEntries({
    "\"messages\"",
    "\"role\"",
    "\"user\"",
    "\"assistant\"",
    "\"system\"",
    "\"content\"",
    "\"type\"",
    "\"text\"",
    "\"image\"",
    "\"document\"",
    "\"source\"",
    "\"base64\"",
    "\"media_type\"",
    "\"data\"",
    "\"tools\"",
    "\"input_schema\"",
    "\"tool_use\"",
    "\"tool_result\"",
    "\"tool_choice\"",
    "\"thinking\"",
    "\"cache_control\"",
    "\"max_tokens\"",
    "\"model\"",
    "\"claude-sonnet-4-5\"",
    "\"claude-opus-4-1\"",
    "\"claude-3-5-haiku\"",
    "\"application/pdf\"",
    "\"image/png\"",
    "\"url\"",
    "\"search_result\"",
    "\"citations\""
  })
  void anthropicRequest(byte[] value) {
    assess(value, "fuzz-anthropic");
  }

  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @DictionaryEntries({
    "\"contents\"",
    "\"parts\"",
    "\"role\"",
    "\"user\"",
    "\"model\"",
    "\"text\"",
    "\"inlineData\"",
    "\"inline_data\"",
    "\"fileData\"",
    "\"mimeType\"",
    "\"data\"",
    "\"systemInstruction\"",
    "\"tools\"",
    "\"functionDeclarations\"",
    "\"functionCall\"",
    "\"functionResponse\"",
    "\"generationConfig\"",
    "\"maxOutputTokens\"",
    "\"thinkingConfig\"",
    "\"responseSchema\"",
    "\"videoMetadata\"",
    "\"mediaResolution\"",
    "\"generateContentRequest\"",
    "\"input\"",
    "\"gemini-2.5-flash\"",
    "\"gemini-2.5-pro\"",
    "\"gemini-1.5-flash\"",
    "\"audio/wav\"",
    "\"video/mp4\"",
    "\"application/pdf\"",
    "\"image/jpeg\"",
    "\"text/plain\""
  })
  void geminiRequest(byte[] value) {
    assess(value, null);
  }

  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  @DictionaryEntries({
    "\"method\"",
    "\"POST\"",
    "\"path\"",
    "\"headers\"",
    "\"body\"",
    "\"/v1/messages\"",
    "\"/v1/messages/count_tokens\"",
    "\"/v1beta/models/gemini-2.5-flash:generateContent\"",
    ":streamGenerateContent",
    ":countTokens",
    "/v3/compat",
    "/anthropic",
    "/google",
    "\"/v1beta/interactions\"",
    "?key=",
    "\"x-api-key\"",
    "\"authorization\"",
    "\"X-Opper-Name\"",
    "\"X-Opper-Parent-Span-Id\"",
    "\"X-Tokentally-Model\""
  })
  void capturedHttpRequest(byte[] value) {
    assess(value, null);
  }

  private static void assess(byte[] value, String name) {
    Assessment assessment =
        ASSESSOR.assess(new InboundRecord(KEY, value, name, null, null, SOURCE));
    if (assessment instanceof Assessment.Counted counted) {
      CountedRequest request = counted.request();
      assertThat(request.inputTokens()).isNotNegative();
      assertThat(request.uncorrectedTokens()).isNotNegative();
      assertThat(request.enriched()).isNotEmpty();
      assertThat(request.payload()).isNotNull();
      // What the request takes from budgets until it settles: never less than its input.
      Spend reserved = request.reservation();
      assertThat(reserved.outputTokens()).isNotNegative();
      assertThat(reserved.in(Budget.Measure.INPUT_OUTPUT))
          .isGreaterThanOrEqualTo(request.inputTokens());
    } else {
      Assessment.Rejected rejected = (Assessment.Rejected) assessment;
      assertThat(rejected.code()).isNotNull();
      assertThat(rejected.value()).isNotEmpty();
    }
  }
}
