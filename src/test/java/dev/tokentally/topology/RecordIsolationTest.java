package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.testing.FaultInjection;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * The production topology with a fault injected into its request-assessing processor: an error the
 * thread survives, a stack overflow included, becomes that record's internal_error dead letter and
 * the next record is counted; an error the JVM cannot continue from is not swallowed.
 */
class RecordIsolationTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static byte[] request(String text) {
    return ("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":10,\"messages\":[{\"role\":\"user\","
            + "\"content\":\""
            + text
            + "\"}]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static TopologyTestDriver driver() {
    var props = FaultInjection.into(TopologyFixture.props());
    return new TopologyTestDriver(TopologyFixture.defaults().topology(props), props);
  }

  @Test
  void aStackOverflowAndARuntimeExceptionEachBecomeOneDeadLetterAndTheStreamGoesOn()
      throws Exception {
    var topics = TopologyFixture.CONFIG.topics();
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<byte[], byte[]> in =
          driver.createInputTopic(
              topics.requests(), new ByteArraySerializer(), new ByteArraySerializer());
      TestOutputTopic<byte[], byte[]> dlq =
          driver.createOutputTopic(
              topics.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<byte[], byte[]> enriched =
          driver.createOutputTopic(
              topics.enriched(), new ByteArrayDeserializer(), new ByteArrayDeserializer());

      in.pipeInput(bytes("overflow"), request(FaultInjection.STACK_OVERFLOW));
      in.pipeInput(bytes("runtime"), request(FaultInjection.RUNTIME));
      in.pipeInput(bytes("fine"), request("Hello"));

      var overflow = dlq.readRecord();
      assertThat(overflow.key()).isEqualTo(bytes("overflow"));
      JsonNode first = MAPPER.readTree(overflow.value());
      assertThat(first.at("/error/code").asText()).isEqualTo("internal_error");
      assertThat(first.at("/error/details/exception").asText())
          .isEqualTo(StackOverflowError.class.getName());
      assertThat(first.at("/error/details/processor").asText()).isEqualTo(Names.ASSESS_REQUEST);
      assertThat(first.at("/error/message").asText()).contains("StackOverflowError");
      assertThat(first.at("/meta/payload").asText())
          .isEqualTo(new String(request(FaultInjection.STACK_OVERFLOW), StandardCharsets.UTF_8));
      assertThat(overflow.value().length).as("no stack trace in the record").isLessThan(2_000);
      assertThat(overflow.headers().lastHeader("tokentally-error-code")).isNotNull();

      var runtime = dlq.readRecord();
      assertThat(runtime.key()).isEqualTo(bytes("runtime"));
      assertThat(MAPPER.readTree(runtime.value()).at("/error/details/exception").asText())
          .isEqualTo(IllegalStateException.class.getName());
      assertThat(dlq.isEmpty()).isTrue();

      var counted = enriched.readRecord();
      assertThat(counted.key()).isEqualTo(bytes("fine"));
      assertThat(enriched.isEmpty()).isTrue();
    }
  }

  @Test
  void anErrorTheJvmCannotContinueFromIsNotTurnedIntoADeadLetter() {
    var topics = TopologyFixture.CONFIG.topics();
    try (TopologyTestDriver driver = driver()) {
      TestInputTopic<byte[], byte[]> in =
          driver.createInputTopic(
              topics.requests(), new ByteArraySerializer(), new ByteArraySerializer());
      assertThatThrownBy(() -> in.pipeInput(bytes("fatal"), request(FaultInjection.FATAL)))
          .isInstanceOf(InternalError.class);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
