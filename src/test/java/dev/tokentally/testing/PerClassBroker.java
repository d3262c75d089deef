package dev.tokentally.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One in-process KRaft broker shared by the tests of a class, started before the first and closed
 * after the last: {@code @RegisterExtension static final PerClassBroker broker = new
 * PerClassBroker();}
 */
public final class PerClassBroker implements KafkaBackend, BeforeAllCallback, AfterAllCallback {
  private KraftTestKitBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) {
    broker = KraftTestKitBroker.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  @Override
  public void close() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }
}
