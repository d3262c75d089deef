package dev.tokentally.topology;

import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.app.Wiring;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.Topology;

/**
 * The production wiring for driver tests. Loading the registry and vocabularies takes a while, so
 * harnesses whose counting settings are the defaults share one counting; everything else is built
 * from each test's own configuration, as {@code main} builds it.
 */
final class TopologyFixture {
  static final AppConfig CONFIG = ConfigLoader.load(null, Map.of());
  private static Wiring defaults;

  private TopologyFixture() {}

  static synchronized Wiring defaults() {
    if (defaults == null) {
      defaults = Wiring.of(CONFIG);
    }
    return defaults;
  }

  /** The wiring of {@code config}, sharing the default counting when its settings allow. */
  static Wiring wiring(AppConfig config, MeterRegistry registry) {
    return config.counting().equals(CONFIG.counting())
        ? Wiring.sharing(defaults().counting(), config, registry)
        : Wiring.of(config, registry);
  }

  static Properties props() {
    return defaults().streamsProperties("unused:9092");
  }

  static Topology topology() {
    return defaults().topology(props());
  }
}
