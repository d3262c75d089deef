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
 * @param http the HTTP server: port, body limit, threads
 * @param broker settings of the embedded broker, used only when no cluster is configured
 * @param shutdownTimeout how long Streams may take to close on SIGTERM
 * @param counting model registry and counting settings
 * @param requestMaxBytes largest record value that is parsed; larger ones are {@code
 *     payload_too_large}
 * @param limits per-request token caps and per-name budgets
 * @param usage usage windows, grace, retention and emit mode
 * @param metrics bounds on metric label values
 * @param kafka Kafka client and Streams properties; never contains {@code tokentally.*} keys
 */
public record AppConfig(
    Topics topics,
    TopicCreation topicCreation,
    Http http,
    EmbeddedBrokerSettings broker,
    Duration shutdownTimeout,
    Counting counting,
    int requestMaxBytes,
    Limits limits,
    UsageSettings usage,
    MetricLabels metrics,
    Map<String, String> kafka) {

  public AppConfig {
    kafka = Map.copyOf(kafka);
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

  /**
   * @param port listening port; 0 picks a free one (tests)
   * @param maxBodyBytes largest request body the count endpoints read; larger ones get 413
   * @param threads request threads; counting is CPU-bound, so more than a few per core only queue
   */
  public record Http(int port, long maxBodyBytes, int threads) {
    public Http {
      if (port < 0 || port > 65535) {
        throw new ConfigException("tokentally.http.port must be 0..65535, got " + port);
      }
    }
  }

  /**
   * Function names come from request headers, so they are unbounded user input; only these reach a
   * metric label as themselves, and every other name is counted as {@code other}.
   *
   * @param allowedNames names always labelled as themselves
   * @param maxNames how many further names, first seen first served, get their own label
   * @param maxChars longest label value; longer names are cut
   */
  public record MetricLabels(List<String> allowedNames, int maxNames, int maxChars) {
    public MetricLabels {
      allowedNames = List.copyOf(allowedNames);
    }
  }

  /** The single-node KRaft broker started when {@code bootstrap.servers} is not configured. */
  public record EmbeddedBrokerSettings(String host, int port, int controllerPort, Path dataDir) {}
}
