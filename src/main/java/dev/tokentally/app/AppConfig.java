package dev.tokentally.app;

import dev.tokentally.broker.BrokerSettings;
import dev.tokentally.calibration.CalibrationSettings;
import dev.tokentally.config.ConfigException;
import dev.tokentally.counting.CountingSettings;
import dev.tokentally.credentials.Secrets;
import dev.tokentally.http.HttpSettings;
import dev.tokentally.limits.Limits;
import dev.tokentally.metrics.MetricLabels;
import dev.tokentally.reconcile.ReconcileSettings;
import dev.tokentally.topology.Topics;
import dev.tokentally.usage.UsageSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The validated application configuration: tokentally's own settings plus the Kafka client and
 * Streams properties that pass through unchanged.
 *
 * @param topics names of the topics the application reads and writes
 * @param topicCreation whether and how missing topics are created at start
 * @param http the HTTP server: port, body limit, threads
 * @param broker settings of the embedded broker, used only when no cluster is configured
 * @param shutdownTimeout how long Streams may take to close on SIGTERM
 * @param counting model registry and counting settings
 * @param requestMaxBytes largest record value that is parsed; larger ones are {@code
 *     payload_too_large}
 * @param limits per-request token caps and per-name budgets
 * @param usage usage windows, grace, retention and emit mode
 * @param reconcile whether and how requests are joined with the vendors' responses
 * @param calibration how the live correction of the text model is learned and whether it is used
 * @param metrics bounds on metric label values
 * @param kafka Kafka client and Streams properties; never contains {@code tokentally.*} keys
 */
public record AppConfig(
    Topics topics,
    TopicCreation topicCreation,
    HttpSettings http,
    BrokerSettings broker,
    Duration shutdownTimeout,
    CountingSettings counting,
    int requestMaxBytes,
    Limits limits,
    UsageSettings usage,
    ReconcileSettings reconcile,
    CalibrationSettings calibration,
    MetricLabels metrics,
    Map<String, String> kafka) {

  public AppConfig {
    kafka = Map.copyOf(kafka);
    if (limits.countsOutput() && !reconcile.enabled()) {
      // The reserved max_tokens would never be released: such a budget would run out at a
      // fraction of its size.
      throw new ConfigException(
          "budgets that count output or dollars settle on the vendors' responses; "
              + "set tokentally.reconcile.enabled=true or count input only");
    }
    if (calibration.apply() && !reconcile.enabled()) {
      throw new ConfigException(
          "tokentally.calibration.apply learns from reconciled pairs; "
              + "set tokentally.reconcile.enabled=true");
    }
  }

  /** True when the user named a Kafka cluster; otherwise the embedded broker is started. */
  public boolean clusterConfigured() {
    String servers = kafka.get("bootstrap.servers");
    return servers != null && !servers.isBlank();
  }

  /** Kafka properties as {@link Properties}, with {@code bootstrap.servers} replaced. */
  public Properties kafkaProperties(String bootstrapServers) {
    Properties props = new Properties();
    props.putAll(kafka);
    props.put("bootstrap.servers", bootstrapServers);
    return props;
  }

  /** The resolved settings as sorted text, secrets masked, for the startup log. */
  public Map<String, String> describe() {
    Map<String, String> out = new TreeMap<>();
    kafka.forEach((k, v) -> out.put(k, Secrets.isSecretKey(k) ? "[hidden]" : v));
    return out;
  }

  /** Whether to create missing topics at start, with how many partitions and replicas. */
  public record TopicCreation(boolean enabled, int partitions, short replicationFactor) {}
}
