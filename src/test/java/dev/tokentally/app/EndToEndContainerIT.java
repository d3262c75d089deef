package dev.tokentally.app;

import dev.tokentally.testing.KafkaBackend;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The end-to-end contract on the official apache/kafka image at the version we build against.
 * Skipped where no Docker engine runs (as on our build machines), where the KRaft test runs it.
 */
@Testcontainers(disabledWithoutDocker = true)
class EndToEndContainerIT extends EndToEndContract {
  @Container static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.3.1");

  @Override
  protected KafkaBackend backend() {
    return new KafkaBackend() {
      @Override
      public String bootstrapServers() {
        return KAFKA.getBootstrapServers();
      }

      @Override
      public void close() {
        // The container's lifecycle belongs to the Testcontainers extension.
      }
    };
  }
}
