package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.enrich.CountedRequest;
import dev.tokentally.enrich.CountedRequestSerde;
import dev.tokentally.limits.Spend;
import dev.tokentally.request.SourcePosition;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

/** A bug in a processor must produce an internal_error dead letter, and the stream goes on. */
class DeadLetterProcessingExceptionHandlerTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static final AppConfig CONFIG = ConfigLoader.load(null, Map.of());

  /** A topology that reads {@code input} and throws on values that contain "boom". */
  private static TopologyTestDriver exploding(String input) {
    var props = TopologyFixture.props();
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read"))
        .mapValues(
            v -> {
              if (new String(v, StandardCharsets.ISO_8859_1).contains("boom")) {
                throw new IllegalStateException("simulated bug");
              }
              return v;
            },
            Named.as("explode-on-boom"))
        .to("out", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("write"));
    return new TopologyTestDriver(builder.build(), props);
  }

  private static TestOutputTopic<byte[], byte[]> dlq(TopologyTestDriver driver) {
    return driver.createOutputTopic(
        CONFIG.topics().deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @Test
  void deadLettersAnInputRecordWhoseProcessingThrowsAndKeepProcessing() throws IOException {
    try (TopologyTestDriver driver = exploding(CONFIG.topics().requests())) {
      TestInputTopic<byte[], byte[]> in =
          driver.createInputTopic(
              CONFIG.topics().requests(), new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> out =
          driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<byte[], byte[]> dlq = dlq(driver);

      in.pipeInput(bytes("k1"), bytes("{\"boom\":1,\"api_key\":\"sk-secret\"}"));
      in.pipeInput(bytes("k2"), bytes("fine"));

      var dead = dlq.readRecord();
      JsonNode value = MAPPER.readTree(dead.value());
      assertThat(dead.key()).isEqualTo(bytes("k1"));
      assertThat(value.at("/error/code").asText()).isEqualTo("internal_error");
      assertThat(value.at("/error/details/processor").asText()).isEqualTo("explode-on-boom");
      assertThat(value.at("/error/details/exception").asText())
          .isEqualTo(IllegalStateException.class.getName());
      assertThat(value.at("/meta/payload").asText())
          .isEqualTo("{\"boom\":1,\"api_key\":\"[REDACTED]\"}");
      assertThat(new String(dead.value(), StandardCharsets.UTF_8)).doesNotContain("sk-secret");
      assertThat(new String(out.readValue(), StandardCharsets.UTF_8)).isEqualTo("fine");
    }
  }

  @Test
  void unwrapsACountedRequestToItsOriginalKeyPayloadAndOffset() throws IOException {
    String repartition = "tokentally-requests-by-name-repartition";
    try (TopologyTestDriver driver = exploding(repartition)) {
      TestInputTopic<byte[], byte[]> in =
          driver.createInputTopic(
              repartition, new ByteArraySerializer(), new ByteArraySerializer());
      CountedRequest counted =
          new CountedRequest(
              bytes("original-key"),
              new SourcePosition(CONFIG.topics().requests(), 2, 41, 1_700_000_000_000L),
              "claude-sonnet-4-5",
              "claude-sonnet-4-5",
              "anthropic",
              "summarise",
              null,
              12,
              "local_tokenizer",
              Double.NaN,
              "claude",
              Double.NaN,
              12,
              0,
              new Spend(12, 0, 0),
              bytes("{}"),
              bytes("{\"boom\":true}"));

      in.pipeInput(bytes("name:summarise"), CountedRequestSerde.write(counted));

      var dead = dlq(driver).readRecord();
      JsonNode value = MAPPER.readTree(dead.value());
      assertThat(dead.key()).isEqualTo(bytes("original-key"));
      assertThat(value.at("/error/code").asText()).isEqualTo("internal_error");
      assertThat(value.at("/meta/payload").asText()).isEqualTo("{\"boom\":true}");
      assertThat(value.at("/meta/source/partition").asInt()).isEqualTo(2);
      assertThat(value.at("/meta/source/offset").asLong()).isEqualTo(41);
    }
  }

  @Test
  void skipsAFailingUsageEventRatherThanWriteASecondOutputForItsRequest() {
    String repartition = "tokentally-usage-by-model-repartition";
    try (TopologyTestDriver driver = exploding(repartition)) {
      TestInputTopic<byte[], byte[]> in =
          driver.createInputTopic(
              repartition, new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> out =
          driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());

      in.pipeInput(bytes("m"), bytes("boom"));
      in.pipeInput(bytes("m"), bytes("fine"));

      assertThat(dlq(driver).isEmpty()).isTrue();
      assertThat(new String(out.readValue(), StandardCharsets.UTF_8)).isEqualTo("fine");
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
