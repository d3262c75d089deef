package dev.tokentally.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.config.ConfigLoader;
import dev.tokentally.testing.KafkaBackend;
import dev.tokentally.testing.TopicIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole application against a real broker: 1,000 mixed records in, and each comes out exactly
 * once, on the enriched or the dead-letter topic, with the right content. Subclasses supply the
 * broker (in-process KRaft here; a container where Docker runs).
 */
abstract class EndToEndContract {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int RECORDS = 1_000;

  @TempDir Path stateDir;

  protected abstract KafkaBackend backend();

  /** The kinds of input, each with what must come out. */
  private enum Kind {
    ANTHROPIC,
    GEMINI,
    NOT_JSON,
    NOT_A_REQUEST,
    NOT_UTF8
  }

  private static byte[] body(Kind kind, String id) {
    String text =
        switch (kind) {
          // metadata is not counted, so every copy costs the published 14 tokens.
          case ANTHROPIC ->
              "{\"model\":\"claude-3-5-sonnet-20241022\",\"system\":\"You are a scientist\","
                  + "\"metadata\":{\"user_id\":\""
                  + id
                  + "\"},\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";
          case GEMINI ->
              "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Request "
                  + id
                  + "\"}]}]}";
          case NOT_JSON -> "not json " + id;
          case NOT_A_REQUEST -> "{\"prompt\":\"" + id + "\"}";
          case NOT_UTF8 -> null;
        };
    if (text != null) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    byte[] id8 = id.getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = Arrays.copyOf(id8, id8.length + 2);
    bytes[id8.length] = (byte) 0xC3;
    bytes[id8.length + 1] = (byte) 0x28;
    return bytes;
  }

  @Test
  void shouldWriteEveryRecordExactlyOnceToEnrichedOrDeadLetter() throws IOException {
    String bootstrap = backend().bootstrapServers();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("KAFKA_APPLICATION_ID", "tokentally-it-" + suffix);
    env.put("KAFKA_STATE_DIR", stateDir.toString());
    env.put("TOKENTALLY_HTTP_PORT", "0");
    env.put("TOKENTALLY_TOPIC_REQUESTS", "requests-" + suffix);
    env.put("TOKENTALLY_TOPIC_ENRICHED", "enriched-" + suffix);
    env.put("TOKENTALLY_TOPIC_DLQ", "dlq-" + suffix);
    var config = ConfigLoader.load(null, env);

    Map<String, Kind> sent = new HashMap<>();
    Map<String, byte[]> payloads = new HashMap<>();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Kind[] kinds = Kind.values();
    for (int i = 0; i < RECORDS; i++) {
      String id = String.format("id-%04d", i);
      Kind kind = kinds[i % kinds.length];
      byte[] value = body(kind, id);
      sent.put(id, kind);
      payloads.put(id, value);
      records.add(
          new ProducerRecord<>(
              config.topics().requests(), id.getBytes(StandardCharsets.UTF_8), value));
    }

    try (Application app = Application.start(config)) {
      TopicIo.send(bootstrap, records);
      List<ConsumerRecord<byte[], byte[]>> out =
          TopicIo.readCommitted(
              bootstrap,
              List.of(config.topics().enriched(), config.topics().deadLetter()),
              RECORDS,
              Duration.ofSeconds(120),
              Duration.ofSeconds(3));
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);

      Map<String, Integer> seen = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> record : out) {
        String id = new String(record.key(), StandardCharsets.UTF_8);
        seen.merge(id, 1, Integer::sum);
        Kind kind = sent.get(id);
        JsonNode value = MAPPER.readTree(record.value());
        boolean enriched = record.topic().equals(config.topics().enriched());
        switch (kind) {
          case ANTHROPIC -> {
            assertThat(enriched).as(id).isTrue();
            assertThat(value.get("input_tokens").asInt()).as(id).isEqualTo(14);
            assertThat(value.at("/request/metadata/user_id").asText()).isEqualTo(id);
          }
          case GEMINI -> {
            assertThat(enriched).as(id).isTrue();
            assertThat(value.get("totalTokens").isInt()).as(id).isTrue();
            assertThat(value.at("/request/contents/0/parts/0/text").asText()).endsWith(id);
          }
          case NOT_JSON, NOT_UTF8 -> {
            assertThat(enriched).as(id).isFalse();
            assertThat(value.at("/error/code").asText()).isEqualTo("invalid_json");
            assertThat(payloadBytes(value)).isEqualTo(payloads.get(id));
          }
          case NOT_A_REQUEST -> {
            assertThat(enriched).as(id).isFalse();
            assertThat(value.at("/error/code").asText()).isEqualTo("invalid_request");
            assertThat(payloadBytes(value)).isEqualTo(payloads.get(id));
          }
        }
      }
      assertThat(seen).hasSize(RECORDS);
      assertThat(seen.values()).allMatch(n -> n == 1);
    }
  }

  private static byte[] payloadBytes(JsonNode deadLetter) {
    JsonNode meta = deadLetter.get("meta");
    return meta.has("payload")
        ? meta.get("payload").asText().getBytes(StandardCharsets.UTF_8)
        : java.util.Base64.getDecoder().decode(meta.get("payload_base64").asText());
  }
}
