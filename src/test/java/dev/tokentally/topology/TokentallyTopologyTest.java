package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.counting.Tokenizers;
import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.testing.RecordSchemas;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokentallyTopologyTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String BASIC =
      """
      {"model":"claude-3-5-sonnet-20241022","system":"You are a scientist",
       "messages":[{"role":"user","content":"Hello, Claude"}]}""";

  private TopologyTestDriver driver;
  private TestInputTopic<byte[], byte[]> requests;
  private TestOutputTopic<byte[], byte[]> enriched;
  private TestOutputTopic<byte[], byte[]> deadLetters;

  @BeforeEach
  void start() {
    driver = new TopologyTestDriver(TopologyFixture.topology(), TopologyFixture.props());
    var topics = TopologyFixture.CONFIG.topics();
    requests =
        driver.createInputTopic(
            topics.requests(), new ByteArraySerializer(), new ByteArraySerializer());
    enriched =
        driver.createOutputTopic(
            topics.enriched(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void pipe(String key, byte[] value, RecordHeaders headers) {
    requests.pipeInput(
        new TestRecord<>(
            key.getBytes(StandardCharsets.UTF_8),
            value,
            headers,
            Instant.parse("2026-11-22T10:00:00Z")));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void enrichesAnAnthropicRequestWithItsInputTokens() throws IOException {
    RecordHeaders headers = new RecordHeaders();
    headers.add("x-opper-name", utf8("summarise"));
    headers.add("X-Opper-Parent-Span-Id", utf8("span-1"));
    pipe("req-1", utf8(BASIC), headers);

    TestRecord<byte[], byte[]> out = enrichedRecord();
    JsonNode value = MAPPER.readTree(out.value());

    assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("req-1");
    assertThat(value.get("input_tokens").isInt()).isTrue();
    assertThat(value.get("input_tokens").asInt()).isEqualTo(14);
    assertThat(value.get("api").asText()).isEqualTo("anthropic.messages");
    assertThat(value.get("model").asText()).isEqualTo("claude-3-5-sonnet");
    assertThat(value.get("model_requested").asText()).isEqualTo("claude-3-5-sonnet-20241022");
    assertThat(value.get("count_method").asText()).isEqualTo("calibrated");
    assertThat(value.get("context_window").asLong()).isEqualTo(200_000);
    assertThat(value.get("estimated_cost_usd").asDouble()).isEqualTo(14 * 3.0 / 1e6);
    assertThat(value.get("name").asText()).isEqualTo("summarise");
    assertThat(value.get("span_id").asText()).isEqualTo("span-1");
    assertThat(value.get("source").get("topic").asText()).isEqualTo("llm.requests");
    assertThat(value.get("source").get("offset").asLong()).isZero();
    assertThat(value.get("request")).isEqualTo(MAPPER.readTree(BASIC));
    assertThat(deadLetters.isEmpty()).isTrue();
  }

  @Test
  void enrichesAGeminiRequestWithTotalTokens() throws IOException {
    pipe(
        "req-2",
        utf8(
            """
            {"model":"gemini-2.5-flash","contents":[{"role":"user","parts":[{"text":"What is Kafka?"}]}]}"""),
        new RecordHeaders());

    JsonNode value = RecordSchemas.ENRICHED.assertValid(enriched.readValue());

    assertThat(value.get("totalTokens").asInt())
        .isEqualTo(Tokenizers.gemma3().count("What is Kafka?") + 1);
    assertThat(value.has("input_tokens")).isFalse();
    assertThat(value.get("api").asText()).isEqualTo("gemini.generate_content");
  }

  @Test
  void sendsANonJsonValueToTheDeadLetterTopicWithItsPayload() throws IOException {
    pipe("bad-1", utf8("this is not json"), new RecordHeaders());

    TestRecord<byte[], byte[]> out = deadLetterRecord();
    JsonNode value = MAPPER.readTree(out.value());

    assertThat(new String(out.key(), StandardCharsets.UTF_8)).isEqualTo("bad-1");
    assertThat(value.at("/error/code").asText()).isEqualTo("invalid_json");
    assertThat(value.at("/error/message").asText()).isNotBlank();
    assertThat(value.at("/error/details").isObject()).isTrue();
    assertThat(value.at("/meta/payload").asText()).isEqualTo("this is not json");
    assertThat(value.at("/meta/source/topic").asText()).isEqualTo("llm.requests");
    assertThat(value.at("/meta/source/timestamp").asText()).isEqualTo("2026-11-22T10:00:00Z");
    assertThat(headerValue(out, ErrorResponse.CODE_HEADER)).isEqualTo("invalid_json");
    assertThat(enriched.isEmpty()).isTrue();
  }

  @Test
  void keepsBytesThatAreNotUtf8AsBase64() throws IOException {
    byte[] binary = {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0x80};
    pipe("bin", binary, new RecordHeaders());

    JsonNode value = RecordSchemas.DEAD_LETTER.assertValid(deadLetters.readValue());

    assertThat(value.at("/meta/payload_base64").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(binary));
    assertThat(value.at("/meta").has("payload")).isFalse();
  }

  @Test
  void rejectsAJsonValueThatIsNotARequestWithItsPath() throws IOException {
    pipe(
        "no-model",
        utf8(
            """
            {"messages":[{"role":"user","content":"x"}]}"""),
        null);

    TestRecord<byte[], byte[]> out = deadLetterRecord();
    JsonNode value = MAPPER.readTree(out.value());

    assertThat(value.at("/error/code").asText()).isEqualTo("invalid_request");
    assertThat(value.at("/error/details/path").asText()).isEqualTo("$.model");
    assertThat(headerValue(out, ErrorResponse.CODE_HEADER)).isEqualTo("invalid_request");
  }

  @Test
  void deadLettersEmptyAndNullValues() throws IOException {
    pipe("empty", new byte[0], new RecordHeaders());
    pipe("null", null, new RecordHeaders());

    List<byte[]> values = deadLetters.readValuesToList();

    assertThat(values).hasSize(2);
    for (byte[] v : values) {
      assertThat(RecordSchemas.DEAD_LETTER.assertValid(v).at("/error/code").asText())
          .isEqualTo("invalid_json");
    }
  }

  @Test
  void dropsCredentialHeadersFromBothOutputs() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("x-api-key", utf8("sk-ant-secret"));
    headers.add("Authorization", utf8("Bearer secret"));
    headers.add("X-Goog-Api-Key", utf8("AIza-secret"));
    headers.add("Cookie", utf8("session=secret"));
    headers.add("X-Opper-Name", utf8("fn"));
    pipe("good", utf8(BASIC), headers);
    pipe("bad", utf8("{"), new RecordHeaders(headers.toArray()));

    for (TestRecord<byte[], byte[]> out : List.of(enrichedRecord(), deadLetterRecord())) {
      List<String> names = Arrays.stream(out.headers().toArray()).map(Header::key).toList();
      assertThat(names).contains("X-Opper-Name");
      assertThat(names)
          .noneMatch(n -> n.equalsIgnoreCase("x-api-key"))
          .noneMatch(n -> n.equalsIgnoreCase("authorization"))
          .noneMatch(n -> n.equalsIgnoreCase("x-goog-api-key"))
          .noneMatch(n -> n.equalsIgnoreCase("cookie"));
      assertThat(new String(out.value(), StandardCharsets.UTF_8)).doesNotContain("secret");
    }
  }

  @Test
  void writesEveryInputRecordToExactlyOneTopic() {
    for (int i = 0; i < 50; i++) {
      pipe("k" + i, utf8(i % 3 == 0 ? "{broken" : BASIC), new RecordHeaders());
    }

    assertThat(enriched.getQueueSize() + deadLetters.getQueueSize()).isEqualTo(50);
    assertThat(deadLetters.getQueueSize()).isEqualTo(17);
    enriched.readValuesToList().forEach(RecordSchemas.ENRICHED::assertValid);
    deadLetters.readValuesToList().forEach(RecordSchemas.DEAD_LETTER::assertValid);
  }

  /** The next enriched record; every output of these tests is checked against its schema. */
  private TestRecord<byte[], byte[]> enrichedRecord() {
    TestRecord<byte[], byte[]> record = enriched.readRecord();
    RecordSchemas.ENRICHED.assertValid(record.value());
    return record;
  }

  private TestRecord<byte[], byte[]> deadLetterRecord() {
    TestRecord<byte[], byte[]> record = deadLetters.readRecord();
    RecordSchemas.DEAD_LETTER.assertValid(record.value());
    return record;
  }

  private static String headerValue(TestRecord<byte[], byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
