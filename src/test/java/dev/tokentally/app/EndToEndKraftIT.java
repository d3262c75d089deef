package dev.tokentally.app;

import dev.tokentally.testing.KafkaBackend;
import dev.tokentally.testing.KraftTestKitBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The end-to-end contract on a real Apache Kafka broker running inside the test JVM. */
class EndToEndKraftIT extends EndToEndContract {
  private static KraftTestKitBroker broker;

  @BeforeAll
  static void startBroker() {
    broker = KraftTestKitBroker.start();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @Override
  protected KafkaBackend backend() {
    return broker;
  }
}
