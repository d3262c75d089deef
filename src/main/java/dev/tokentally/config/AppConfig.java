package dev.tokentally.config;

import dev.tokentally.credentials.Secrets;
import dev.tokentally.limits.Limits;
import dev.tokentally.usage.UsageSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The validated application configuration: tokentally's own settings plus the Kafka client and
 * Streams properties that pass through unchanged.
 *
 * @param topics names of the topics the application reads and writes
 * @param topicCreation whether and how missing topics are created at start
 * @param httpPort port of the HTTP server (health, metrics)
 * @param broker settings of the embedded broker, used only when no cluster is configured
 * @param shutdownTimeout how long Streams may take to close on SIGTERM
 * @param counting model registry and counting settings
 * @param requestMaxBytes largest record value that is parsed; larger ones are {@code
 *     payload_too_large}
 * @param limits per-request token caps and per-name budgets
 * @param usage usage windows, grace, retention and emit mode
 * @param kafka Kafka client and Streams properties; never contains {@code tokentally.*} keys
 */
public record AppConfig(
    Topics topics,
    TopicCreation topicCreation,
    int httpPort,
    EmbeddedBrokerSettings broker,
    Duration shutdownTimeout,
    Counting counting,
    int requestMaxBytes,
    Limits limits,
    UsageSettings usage,
    Map<String, String> kafka) {

  public AppConfig {
    kafka = Map.copyOf(kafka);
    if (httpPort < 0 || httpPort > 65535) {
      throw new ConfigException("tokentally.http.port must be 0..65535, got " + httpPort);
    }
    if (shutdownTimeout.isNegative()) {
      throw new ConfigException("tokentally.shutdown.timeout.ms must not be negative");
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

  /** Topic names; all configurable. */
  public record Topics(
      String requests,
      String enriched,
      String deadLetter,
      String usageByModel,
      String usageByName,
      String usageByNameModel) {

    /** Every topic the application reads or writes, apart from Streams' internal ones. */
    public List<String> all() {
      return List.of(requests, enriched, deadLetter, usageByModel, usageByName, usageByNameModel);
    }
  }

  /** Whether to create missing topics at start, with how many partitions and replicas. */
  public record TopicCreation(boolean enabled, int partitions, short replicationFactor) {}

  /**
   * @param modelsFile user model registry merged over the shipped one, or null
   * @param fallbackModels vendor to the known model that counts unknown models of that vendor
   * @param cacheBlocks slots of the block-count cache; 0 turns it off
   */
  public record Counting(Path modelsFile, Map<String, String> fallbackModels, int cacheBlocks) {
    public Counting {
      fallbackModels = Map.copyOf(fallbackModels);
    }
  }

  /** The single-node KRaft broker started when {@code bootstrap.servers} is not configured. */
  public record EmbeddedBrokerSettings(String host, int port, int controllerPort, Path dataDir) {}
}
