package dev.tokentally.app;

import dev.tokentally.access.AccessSettings;
import dev.tokentally.broker.BrokerSettings;
import dev.tokentally.calibration.CalibrationSettings;
import dev.tokentally.config.ConfigException;
import dev.tokentally.config.Durations;
import dev.tokentally.counting.CountingSettings;
import dev.tokentally.http.HttpSettings;
import dev.tokentally.http.TlsSettings;
import dev.tokentally.limits.Limits;
import dev.tokentally.metrics.MetricLabels;
import dev.tokentally.reconcile.ReconcileSettings;
import dev.tokentally.topology.Topics;
import dev.tokentally.usage.UsageSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds {@link AppConfig} from three layers, later ones winning: built-in defaults, an optional
 * properties file, and the environment.
 *
 * <p>In the file, keys starting with {@code tokentally.} are application settings and every other
 * key is a Kafka client or Streams setting. In the environment, {@code TOKENTALLY_HTTP_PORT}
 * becomes {@code tokentally.http.port} and {@code KAFKA_BOOTSTRAP_SERVERS} becomes {@code
 * bootstrap.servers}.
 */
public final class ConfigLoader {
  static final String APP_PREFIX = "tokentally.";

  /** JVM and launcher variables that share the KAFKA_ prefix but are not client settings. */
  private static final Set<String> NON_CONFIG_KAFKA_VARS =
      Set.of(
          "KAFKA_HEAP_OPTS",
          "KAFKA_OPTS",
          "KAFKA_JVM_PERFORMANCE_OPTS",
          "KAFKA_LOG4J_OPTS",
          "KAFKA_GC_LOG_OPTS",
          "KAFKA_JMX_OPTS",
          "KAFKA_DEBUG",
          "KAFKA_HOME",
          "KAFKA_VERSION");

  private ConfigLoader() {}

  /** Loads from the given file (may be null) and environment. */
  public static AppConfig load(Path configFile, Map<String, String> env) {
    Map<String, String> app = new LinkedHashMap<>();
    for (Setting setting : Setting.values()) {
      app.put(setting.key(), setting.defaultValue());
    }
    Map<String, String> kafka = new LinkedHashMap<>();
    for (KafkaDefault d : KafkaDefault.values()) {
      if (d.value() != null) {
        d.keys().forEach(key -> kafka.put(key, d.value()));
      }
    }
    if (configFile != null) {
      readFile(configFile).forEach((k, v) -> (k.startsWith(APP_PREFIX) ? app : kafka).put(k, v));
    }
    env.forEach(
        (name, value) -> {
          if (name.startsWith("TOKENTALLY_")) {
            app.put(envToKey(name), value);
          } else if (name.startsWith("KAFKA_") && !NON_CONFIG_KAFKA_VARS.contains(name)) {
            kafka.put(envToKey(name.substring("KAFKA_".length())), value);
          }
        });
    return build(app, kafka);
  }

  static String envToKey(String name) {
    return name.toLowerCase(Locale.ROOT).replace('_', '.');
  }

  private static Map<String, String> readFile(Path file) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw new ConfigException("cannot read --config file " + file + ": " + e.getMessage(), e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    props.stringPropertyNames().forEach(k -> out.put(k.trim(), props.getProperty(k).trim()));
    return out;
  }

  private static AppConfig build(Map<String, String> app, Map<String, String> kafka) {
    for (String key : app.keySet()) {
      if (Setting.byKey(key) == null) {
        throw new ConfigException("unknown setting " + key + " (see README, Configuration)");
      }
    }
    Values v = new Values(app);
    return new AppConfig(
        new Topics(
            v.text(Setting.TOPIC_REQUESTS),
            v.text(Setting.TOPIC_ENRICHED),
            v.text(Setting.TOPIC_DLQ),
            v.text(Setting.TOPIC_USAGE_BY_MODEL),
            v.text(Setting.TOPIC_USAGE_BY_NAME),
            v.text(Setting.TOPIC_USAGE_BY_NAME_MODEL),
            v.text(Setting.TOPIC_RESPONSES),
            v.text(Setting.TOPIC_RECONCILED),
            v.text(Setting.TOPIC_CALIBRATION)),
        new AppConfig.TopicCreation(
            v.bool(Setting.TOPICS_CREATE),
            v.integer(Setting.TOPICS_PARTITIONS),
            (short) v.integer(Setting.TOPICS_REPLICATION_FACTOR)),
        new HttpSettings(
            v.integer(Setting.HTTP_PORT),
            v.integer(Setting.HTTP_MAX_BODY_BYTES),
            v.integer(Setting.HTTP_THREADS),
            new AccessSettings(
                v.choice(Setting.HTTP_AUTH).equals("none"),
                v.path(Setting.HTTP_KEYS_FILE),
                v.optional(Setting.HTTP_CLUSTER_SECRET).orElse(null),
                v.integer(Setting.HTTP_RATE_LIMIT),
                v.integer(Setting.HTTP_RATE_BURST)),
            new TlsSettings(
                v.path(Setting.HTTP_TLS_KEYSTORE),
                v.optional(Setting.HTTP_TLS_KEYSTORE_PASSWORD).orElse(null),
                v.path(Setting.HTTP_TLS_TRUSTSTORE),
                v.optional(Setting.HTTP_TLS_TRUSTSTORE_PASSWORD).orElse(null))),
        new BrokerSettings(
            v.text(Setting.BROKER_HOST),
            v.integer(Setting.BROKER_PORT),
            v.integer(Setting.BROKER_CONTROLLER_PORT),
            Path.of(v.text(Setting.BROKER_DATA_DIR))),
        Duration.ofMillis(v.integer(Setting.SHUTDOWN_TIMEOUT_MS)),
        counting(v),
        v.integer(Setting.REQUEST_MAX_BYTES),
        Limits.load(
            v.path(Setting.LIMITS_FILE),
            v.optionalLong(Setting.LIMITS_REQUEST_MAX_TOKENS),
            v.choice(Setting.LIMITS_CONTEXT_HEADROOM).equals("error_bar")),
        new UsageSettings(
            v.durations(Setting.USAGE_WINDOWS),
            v.duration(Setting.USAGE_GRACE),
            v.duration(Setting.USAGE_RETENTION),
            v.choice(Setting.USAGE_EMIT).equals("final"),
            v.duration(Setting.USAGE_FLUSH)),
        new ReconcileSettings(
            v.bool(Setting.RECONCILE_ENABLED),
            v.duration(Setting.RECONCILE_WINDOW),
            v.duration(Setting.RECONCILE_GRACE)),
        new CalibrationSettings(
            v.bool(Setting.CALIBRATION_APPLY),
            v.integer(Setting.CALIBRATION_PAIRS),
            v.integer(Setting.CALIBRATION_MIN_PAIRS),
            v.integer(Setting.CALIBRATION_EVERY),
            v.integer(Setting.CALIBRATION_MIN_TEXT_TOKENS)),
        new MetricLabels(
            v.list(Setting.METRICS_NAMES_ALLOW),
            v.integer(Setting.METRICS_NAMES_MAX),
            v.integer(Setting.METRICS_LABEL_MAX_CHARS)),
        kafka);
  }

  private static CountingSettings counting(Values v) {
    Map<String, String> fallbacks = new TreeMap<>();
    v.optional(Setting.MODELS_FALLBACK_ANTHROPIC).ifPresent(m -> fallbacks.put("anthropic", m));
    v.optional(Setting.MODELS_FALLBACK_GEMINI).ifPresent(m -> fallbacks.put("gemini", m));
    return new CountingSettings(
        v.path(Setting.MODELS_FILE), fallbacks, v.integer(Setting.COUNT_CACHE_BLOCKS));
  }

  /** The layered values, read and checked through their {@link Setting} rows. */
  private record Values(Map<String, String> raw) {
    String text(Setting s) {
      return s.text(raw.get(s.key()));
    }

    Optional<String> optional(Setting s) {
      String text = text(s);
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    Path path(Setting s) {
      return optional(s).map(Path::of).orElse(null);
    }

    int integer(Setting s) {
      return (int) s.number(raw.get(s.key()));
    }

    Long optionalLong(Setting s) {
      String value = raw.get(s.key());
      return value == null || value.isBlank() ? null : s.number(value);
    }

    boolean bool(Setting s) {
      return s.bool(raw.get(s.key()));
    }

    String choice(Setting s) {
      return s.choice(raw.get(s.key()));
    }

    Duration duration(Setting s) {
      return s.duration(raw.get(s.key()));
    }

    List<Duration> durations(Setting s) {
      return s.list(text(s)).stream().map(Durations::parse).toList();
    }

    List<String> list(Setting s) {
      return s.list(raw.get(s.key()));
    }
  }
}
