package dev.tokentally.testing;

/** A real Kafka cluster for integration tests, however it is run. */
public interface KafkaBackend extends AutoCloseable {
  String bootstrapServers();

  @Override
  void close();
}
