package dev.tokentally.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The schemas must bite: records that break the contract fail validation. */
class RecordSchemasTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void rejectsAnUnknownErrorCodeAndAMissingPayload() {
    String source =
        """
        {"topic":"t","partition":0,"offset":1,"timestamp":"2026-11-22T10:00:00Z"}""";
    assertThatThrownBy(
            () ->
                RecordSchemas.DEAD_LETTER.assertValid(
                    utf8(
                        "{\"error\":{\"code\":\"oops\",\"message\":\"m\",\"details\":{}},"
                            + "\"meta\":{\"source\":"
                            + source
                            + ",\"model\":null,\"name\":null,\"span_id\":null,\"payload\":\"x\"}}")))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("code");
    assertThatThrownBy(
            () ->
                RecordSchemas.DEAD_LETTER.assertValid(
                    utf8(
                        "{\"error\":{\"code\":\"invalid_json\",\"message\":\"m\",\"details\":{}},"
                            + "\"meta\":{\"source\":"
                            + source
                            + ",\"model\":null,\"name\":null,\"span_id\":null}}")))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void rejectsAnEnrichedRecordWithBothCountFields() {
    assertThatThrownBy(
            () ->
                RecordSchemas.ENRICHED.assertValid(
                    utf8(
                        "{\"api\":\"anthropic.messages\",\"endpoint\":\"messages\",\"model\":\"m\","
                            + "\"model_requested\":\"m\",\"input_tokens\":1,\"totalTokens\":1,"
                            + "\"count_method\":\"tokenizer\",\"breakdown\":{},\"context_window\":1,"
                            + "\"estimated_cost_usd\":null,\"name\":null,\"span_id\":null,"
                            + "\"source\":{\"topic\":\"t\",\"partition\":0,\"offset\":1,"
                            + "\"timestamp\":\"2026-11-22T10:00:00Z\"},\"request\":{}}")))
        .isInstanceOf(AssertionError.class);
  }
}
