package dev.tokentally.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.app.StreamsProperties;
import dev.tokentally.config.AppConfig;
import dev.tokentally.config.ConfigLoader;
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

  @Test
  void shouldDeadLetterARecordWhoseProcessingThrowsAndKeepProcessing() throws IOException {
    AppConfig config = ConfigLoader.load(null, Map.of());
    var props = StreamsProperties.of(config, "unused:9092");
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read"))
        .mapValues(
            v -> {
              if (new String(v, StandardCharsets.UTF_8).equals("boom")) {
                throw new IllegalStateException("simulated bug");
              }
              return v;
            },
            Named.as("explode-on-boom"))
        .to("out", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("write"));

    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
      TestInputTopic<byte[], byte[]> in =
          driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> out =
          driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<byte[], byte[]> dlq =
          driver.createOutputTopic(
              config.topics().deadLetter(),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer());

      in.pipeInput("k1".getBytes(StandardCharsets.UTF_8), "boom".getBytes(StandardCharsets.UTF_8));
      in.pipeInput("k2".getBytes(StandardCharsets.UTF_8), "fine".getBytes(StandardCharsets.UTF_8));

      JsonNode dead = MAPPER.readTree(dlq.readValue());
      assertThat(dead.at("/error/code").asText()).isEqualTo("internal_error");
      assertThat(dead.at("/error/details/processor").asText()).isEqualTo("explode-on-boom");
      assertThat(dead.at("/error/details/exception").asText())
          .isEqualTo(IllegalStateException.class.getName());
      assertThat(dead.at("/meta/payload").asText()).isEqualTo("boom");
      assertThat(new String(out.readValue(), StandardCharsets.UTF_8)).isEqualTo("fine");
    }
  }
}
