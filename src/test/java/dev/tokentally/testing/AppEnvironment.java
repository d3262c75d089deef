package dev.tokentally.testing;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The environment an integration test gives tokentally on a shared broker: its own application id
 * and topic names (suffixed, so tests on one broker never see each other's records) and its own
 * state directory. Tests add their own settings to the returned map.
 */
public final class AppEnvironment {
  private static final List<String> TOPICS =
      List.of(
          "requests",
          "enriched",
          "dlq",
          "usage.by.model",
          "usage.by.name",
          "usage.by.name.model",
          "responses",
          "reconciled",
          "calibration");

  private AppEnvironment() {}

  /**
   * @param applicationId also the suffix of every topic name
   */
  public static Map<String, String> on(String bootstrap, String applicationId, Path stateDir) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("KAFKA_APPLICATION_ID", applicationId);
    env.put("KAFKA_STATE_DIR", stateDir.toString());
    for (String topic : TOPICS) {
      env.put(
          "TOKENTALLY_TOPIC_" + topic.toUpperCase().replace('.', '_'), topic + "-" + applicationId);
    }
    return env;
  }
}
