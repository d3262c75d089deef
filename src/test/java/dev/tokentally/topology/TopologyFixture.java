package dev.tokentally.topology;

import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.app.StreamsProperties;
import dev.tokentally.counting.RequestCounter;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.request.RequestParser;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.Topology;

/** Builds the production topology with the production Streams properties, for driver tests. */
final class TopologyFixture {
  static final AppConfig CONFIG = ConfigLoader.load(null, Map.of());
  private static RequestAssessor assessor;

  private TopologyFixture() {}

  static synchronized RequestAssessor assessor() {
    if (assessor == null) {
      assessor = new RequestAssessor(new RequestParser(), RequestCounter.withDefaults());
    }
    return assessor;
  }

  static Properties props() {
    return StreamsProperties.of(CONFIG, "unused:9092");
  }

  static Topology topology() {
    return TokentallyTopology.build(CONFIG.topics(), CONFIG.usage(), assessor(), props());
  }
}
