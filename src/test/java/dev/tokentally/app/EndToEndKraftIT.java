package dev.tokentally.app;

import dev.tokentally.testing.KafkaBackend;
import dev.tokentally.testing.PerClassBroker;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The end-to-end contract on a real Apache Kafka broker running inside the test JVM. */
class EndToEndKraftIT extends EndToEndContract {
  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @Override
  protected KafkaBackend backend() {
    return broker;
  }
}
