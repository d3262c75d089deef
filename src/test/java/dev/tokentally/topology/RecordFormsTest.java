package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both record forms (bare body with headers; captured HTTP request) on every recognised path give
 * the same count as the bare body, and credentials never come out.
 */
class RecordFormsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-11-22T10:00:00Z");
  private static final String CLAUDE =
      "{\"model\":\"claude-3-5-sonnet-20241022\",\"system\":\"You are a scientist\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";
  private static final String GEMINI_CONTENTS =
      """
      {"contents":[{"role":"user","parts":[{"text":"What is Kafka Streams?"}]}]}""";

  private final TopologyHarness harness = new TopologyHarness(Map.of());

  @AfterEach
  void close() {
    harness.close();
  }

  private static String captured(String path, String body, String headers) {
    return "{\"method\":\"POST\",\"path\":\""
        + path
        + "\",\"headers\":"
        + headers
        + ",\"body\":"
        + body
        + "}";
  }

  private int bareGeminiCount() {
    harness.pipe("bare", GEMINI_CONTENTS, AT, "x-tokentally-model", "gemini-2.5-flash");
    JsonNode bare = harness.enriched();
    assertThat(bare.get("model").asText()).isEqualTo("gemini-2.5-flash");
    assertThat(bare.get("endpoint").asText()).isEqualTo("generateContent");
    return bare.get("totalTokens").asInt();
  }

  @Test
  void takesTheModelOfABareGeminiBodyFromTheModelHeaderInAnyCase() {
    harness.pipe("k", GEMINI_CONTENTS, AT, "X-TOKENTALLY-MODEL", "gemini-2.5-flash");

    JsonNode out = harness.enriched();

    assertThat(out.get("model").asText()).isEqualTo("gemini-2.5-flash");
    assertThat(out.get("totalTokens").asInt()).isPositive();
    assertThat(out.has("http")).isFalse();
  }

  @Test
  void rejectsABareGeminiBodyWithoutAnyModel() {
    harness.pipe("k", GEMINI_CONTENTS, AT);

    JsonNode dead = harness.deadLetter();

    assertThat(dead.at("/error/code").asText()).isEqualTo("invalid_request");
    assertThat(dead.at("/error/details/path").asText()).isEqualTo("$.model");
  }

  @ParameterizedTest
  @CsvSource({
    "/v1beta/models/gemini-2.5-flash:generateContent, generateContent",
    "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse, streamGenerateContent",
    "/v1/models/gemini-2.5-flash:generateContent, generateContent",
    "/v3/compat/v1beta/models/gemini-2.5-flash:generateContent, generateContent",
  })
  void countsACapturedGeminiRequestLikeItsBareBody(String path, String endpoint) {
    int expected = bareGeminiCount();

    harness.pipe(
        "cap",
        captured(
            path,
            GEMINI_CONTENTS,
            """
            {"X-Opper-Name":"ask"}"""),
        AT);
    JsonNode out = harness.enriched();

    assertThat(out.get("totalTokens").asInt()).isEqualTo(expected);
    assertThat(out.get("model").asText()).isEqualTo("gemini-2.5-flash");
    assertThat(out.get("endpoint").asText()).isEqualTo(endpoint);
    assertThat(out.get("name").asText()).isEqualTo("ask");
    assertThat(out.at("/http/path").asText()).isEqualTo(path);
    assertThat(out.get("request")).isEqualTo(readTree(GEMINI_CONTENTS));
  }

  @Test
  void countsAGeminiCountTokensWrapperAndAnInteractionsRequest() {
    int expected = bareGeminiCount();
    String wrapper =
        "{\"generateContentRequest\":{\"model\":\"models/gemini-2.5-flash\","
            + GEMINI_CONTENTS.substring(1)
            + "}";

    harness.pipe(
        "count",
        captured("/v3/compat/v1beta/models/gemini-2.5-flash:countTokens", wrapper, "{}"),
        AT);
    harness.pipe(
        "interact",
        captured(
            "/v1beta/interactions",
            """
            {"model":"gemini-2.5-flash","input":"What is Kafka Streams?"}""",
            "{}"),
        AT);
    JsonNode count = harness.enriched();
    JsonNode interact = harness.enriched();

    assertThat(count.get("endpoint").asText()).isEqualTo("countTokens");
    assertThat(count.get("totalTokens").asInt()).isEqualTo(expected);
    assertThat(interact.get("endpoint").asText()).isEqualTo("interactions");
    assertThat(interact.get("model").asText()).isEqualTo("gemini-2.5-flash");
    assertThat(interact.get("totalTokens").asInt()).isPositive();
  }

  @ParameterizedTest
  @CsvSource({
    "/v1/messages, messages",
    "/v1/messages/count_tokens, messages.count_tokens",
    "/anthropic/v1/messages/count_tokens, messages.count_tokens",
    "/v3/compat/v1/messages/count_tokens, messages.count_tokens",
    "/v3/compat/v1/messages, messages",
  })
  void countsACapturedAnthropicRequestLikeItsBareBody(String path, String endpoint) {
    harness.pipe(
        "cap",
        captured(
            path,
            CLAUDE,
            """
            {"anthropic-version":"2023-06-01"}"""),
        AT);

    JsonNode out = harness.enriched();

    assertThat(out.get("input_tokens").asInt()).isEqualTo(14);
    assertThat(out.get("endpoint").asText()).isEqualTo(endpoint);
    assertThat(out.at("/http/method").asText()).isEqualTo("POST");
    assertThat(out.at("/http/headers/anthropic-version").asText()).isEqualTo("2023-06-01");
  }

  @Test
  void acceptsACapturedBodyHeldAsAJsonString() {
    harness.pipe(
        "cap",
        "{\"method\":\"POST\",\"path\":\"/v1/messages\",\"body\":"
            + MAPPER.valueToTree(CLAUDE).toString()
            + "}",
        AT);

    assertThat(harness.enriched().get("input_tokens").asInt()).isEqualTo(14);
  }

  @Test
  void prefersKafkaHeadersOverCapturedOnesForTheName() {
    harness.pipe(
        "cap",
        captured(
            "/v1/messages",
            CLAUDE,
            """
            {"x-opper-name":"captured"}"""),
        AT,
        "X-Opper-Name",
        "from-kafka");

    assertThat(harness.enriched().get("name").asText()).isEqualTo("from-kafka");
  }

  @ParameterizedTest
  @CsvSource({
    "/v1/chat/completions, $.path",
    "/v1beta/models/gemini-2.5-flash:embedContent, $.path",
  })
  void rejectsACapturedRequestToAnUnsupportedPath(String path, String at) {
    harness.pipe("cap", captured(path, GEMINI_CONTENTS, "{}"), AT);

    JsonNode dead = harness.deadLetter();

    assertThat(dead.at("/error/code").asText()).isEqualTo("invalid_request");
    assertThat(dead.at("/error/details/path").asText()).isEqualTo(at);
    assertThat(harness.noEnriched()).isTrue();
  }

  @Test
  void rejectsACapturedGetAndNameTheBodyInPaths() {
    harness.pipe("get", captured("/v1/messages", CLAUDE, "{}").replace("POST", "GET"), AT);
    harness.pipe(
        "role",
        captured(
            "/v1/messages",
            """
            {"model":"claude-sonnet-4-5","messages":[{"role":"tool","content":"x"}]}""",
            "{}"),
        AT);

    assertThat(harness.deadLetter().at("/error/details/path").asText()).isEqualTo("$.method");
    assertThat(harness.deadLetter().at("/error/details/path").asText())
        .isEqualTo("$.body.messages[0].role");
  }

  @Test
  void blanksBodyCredentialsAndDropCapturedCredentialHeadersButCountTheSame() {
    String withCredentials =
        "{\"model\":\"gemini-2.5-flash\",\"custom_model_credentials\":{\"identifier\":\"vertex\","
            + "\"api_key\":\"AIza-body-secret\",\"extra\":{\"token\":\"xtra-secret\"}},"
            + GEMINI_CONTENTS.substring(1);
    int expected = bareGeminiCount();

    harness.pipe(
        "cred",
        captured(
            "/v1beta/models/gemini-2.5-flash:generateContent",
            withCredentials,
            "{\"x-goog-api-key\":\"AIza-header-secret\",\"Authorization\":[\"Bearer hdr-secret\"],"
                + "\"X-Opper-Name\":\"cred\"}"),
        AT,
        "x-api-key",
        "kafka-header-secret");
    harness.pipe("cred-bad", withCredentials.substring(0, withCredentials.length() - 3), AT);

    var record = harness.enrichedRecord();
    JsonNode out = readTree(new String(record.value(), StandardCharsets.UTF_8));
    assertThat(out.get("totalTokens").asInt()).isEqualTo(expected);
    assertThat(out.at("/request/custom_model_credentials/api_key").asText())
        .isEqualTo("[REDACTED]");
    assertThat(out.at("/request/custom_model_credentials/identifier").asText()).isEqualTo("vertex");
    assertThat(out.at("/http/headers").has("x-goog-api-key")).isFalse();
    assertThat(out.at("/http/headers").has("Authorization")).isFalse();
    assertThat(record.headers().lastHeader("x-api-key")).isNull();
    var dead = harness.deadLetterRecord();
    for (byte[] value : new byte[][] {record.value(), dead.value()}) {
      assertThat(new String(value, StandardCharsets.UTF_8))
          .doesNotContain("secret")
          .contains("[REDACTED]");
    }
  }

  private static JsonNode readTree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
