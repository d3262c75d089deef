package dev.tokentally.app;

import dev.tokentally.broker.BrokerSettings;
import dev.tokentally.config.ConfigException;
import dev.tokentally.config.Durations;
import dev.tokentally.counting.CountingSettings;
import dev.tokentally.http.HttpSettings;
import dev.tokentally.limits.Limits;
import dev.tokentally.metrics.MetricLabels;
import dev.tokentally.topology.Topics;
import dev.tokentally.usage.UsageSettings;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

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

  private static final Map<String, String> APP_DEFAULTS =
      Map.ofEntries(
          Map.entry("tokentally.topic.requests", "llm.requests"),
          Map.entry("tokentally.topic.enriched", "llm.requests.enriched"),
          Map.entry("tokentally.topic.dlq", "llm.requests.dlq"),
          Map.entry("tokentally.topic.usage.by.model", "llm.usage.by-model"),
          Map.entry("tokentally.topic.usage.by.name", "llm.usage.by-name"),
          Map.entry("tokentally.topic.usage.by.name.model", "llm.usage.by-name-model"),
          Map.entry("tokentally.request.max.bytes", String.valueOf(8 * 1024 * 1024)),
          Map.entry("tokentally.limits.file", ""),
          Map.entry("tokentally.limits.request.max.tokens", ""),
          Map.entry("tokentally.limits.context.headroom", "none"),
          Map.entry("tokentally.usage.windows", "1m,1h"),
          Map.entry("tokentally.usage.grace", "1m"),
          Map.entry("tokentally.usage.retention", "2d"),
          Map.entry("tokentally.usage.emit", "updates"),
          Map.entry("tokentally.topics.create", "true"),
          Map.entry("tokentally.topics.partitions", "3"),
          Map.entry("tokentally.topics.replication.factor", "-1"),
          Map.entry("tokentally.http.port", "8080"),
          Map.entry("tokentally.http.max.body.bytes", String.valueOf(32 * 1024 * 1024)),
          Map.entry("tokentally.http.threads", "16"),
          Map.entry("tokentally.metrics.names.allow", ""),
          Map.entry("tokentally.metrics.names.max", "100"),
          Map.entry("tokentally.metrics.label.max.chars", "64"),
          Map.entry("tokentally.broker.host", "localhost"),
          Map.entry("tokentally.broker.port", "9092"),
          Map.entry("tokentally.broker.controller.port", "9093"),
          Map.entry("tokentally.broker.data.dir", "./data/kafka"),
          Map.entry("tokentally.shutdown.timeout.ms", "10000"),
          Map.entry("tokentally.models.file", ""),
          Map.entry("tokentally.models.fallback.anthropic", ""),
          Map.entry("tokentally.models.fallback.gemini", ""),
          Map.entry("tokentally.count.cache.blocks", "65536"));

  private static final Map<String, String> KAFKA_DEFAULTS =
      Map.ofEntries(
          Map.entry("application.id", "tokentally"),
          Map.entry("processing.guarantee", "exactly_once_v2"),
          Map.entry("state.dir", "./data/streams"),
          Map.entry("ensure.explicit.internal.resource.naming", "true"),
          Map.entry("num.standby.replicas", "0"),
          // Opt in now to the Kafka 5.0 default; silences a start-up warning per thread.
          Map.entry("processing.exception.handler.global.enabled", "true"),
          // Records are ~2 KB; the 16 KB default batch holds too few of them (stack-notes §5).
          Map.entry("producer.batch.size", "262144"),
          Map.entry("producer.linger.ms", "5"));

  private ConfigLoader() {}

  /** Loads from the given file (may be null) and environment. */
  public static AppConfig load(Path configFile, Map<String, String> env) {
    Map<String, String> app = new LinkedHashMap<>(APP_DEFAULTS);
    Map<String, String> kafka = new LinkedHashMap<>(KAFKA_DEFAULTS);
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
      if (!APP_DEFAULTS.containsKey(key)) {
        throw new ConfigException("unknown setting " + key + " (see README, Configuration)");
      }
    }
    return new AppConfig(
        new Topics(
            text(app, "tokentally.topic.requests"),
            text(app, "tokentally.topic.enriched"),
            text(app, "tokentally.topic.dlq"),
            text(app, "tokentally.topic.usage.by.model"),
            text(app, "tokentally.topic.usage.by.name"),
            text(app, "tokentally.topic.usage.by.name.model")),
        new AppConfig.TopicCreation(
            bool(app, "tokentally.topics.create"),
            integer(app, "tokentally.topics.partitions", 1, 10_000),
            (short) integer(app, "tokentally.topics.replication.factor", -1, Short.MAX_VALUE)),
        new HttpSettings(
            integer(app, "tokentally.http.port", 0, 65535),
            integer(app, "tokentally.http.max.body.bytes", 1024, Integer.MAX_VALUE - 8),
            integer(app, "tokentally.http.threads", 2, 1024)),
        new BrokerSettings(
            text(app, "tokentally.broker.host"),
            integer(app, "tokentally.broker.port", 0, 65535),
            integer(app, "tokentally.broker.controller.port", 0, 65535),
            Path.of(text(app, "tokentally.broker.data.dir"))),
        Duration.ofMillis(integer(app, "tokentally.shutdown.timeout.ms", 0, Integer.MAX_VALUE)),
        counting(app),
        integer(app, "tokentally.request.max.bytes", 1024, 512 * 1024 * 1024),
        limits(app),
        usage(app),
        new MetricLabels(
            list(app.getOrDefault("tokentally.metrics.names.allow", "")),
            integer(app, "tokentally.metrics.names.max", 0, 10_000),
            integer(app, "tokentally.metrics.label.max.chars", 8, 1024)),
        kafka);
  }

  private static CountingSettings counting(Map<String, String> app) {
    String file = app.getOrDefault("tokentally.models.file", "").trim();
    Map<String, String> fallbacks = new java.util.TreeMap<>();
    for (String vendor : List.of("anthropic", "gemini")) {
      String model = app.getOrDefault("tokentally.models.fallback." + vendor, "").trim();
      if (!model.isEmpty()) {
        fallbacks.put(vendor, model);
      }
    }
    return new CountingSettings(
        file.isEmpty() ? null : Path.of(file),
        fallbacks,
        integer(app, "tokentally.count.cache.blocks", 0, 1 << 24));
  }

  private static Limits limits(Map<String, String> app) {
    String file = app.getOrDefault("tokentally.limits.file", "").trim();
    String cap = app.getOrDefault("tokentally.limits.request.max.tokens", "").trim();
    Long defaultCap = null;
    if (!cap.isEmpty()) {
      try {
        defaultCap = Long.parseLong(cap);
      } catch (NumberFormatException e) {
        throw new ConfigException("tokentally.limits.request.max.tokens must be a whole number", e);
      }
      if (defaultCap <= 0) {
        throw new ConfigException("tokentally.limits.request.max.tokens must be positive");
      }
    }
    String headroom = app.getOrDefault("tokentally.limits.context.headroom", "none").trim();
    if (!headroom.equals("none") && !headroom.equals("error_bar")) {
      throw new ConfigException(
          "tokentally.limits.context.headroom must be none or error_bar, got " + headroom);
    }
    return Limits.load(
        file.isEmpty() ? null : Path.of(file), defaultCap, headroom.equals("error_bar"));
  }

  private static UsageSettings usage(Map<String, String> app) {
    List<Duration> windows = new ArrayList<>();
    for (String w : text(app, "tokentally.usage.windows").split(",")) {
      if (!w.isBlank()) {
        windows.add(Durations.parse(w));
      }
    }
    String emit = text(app, "tokentally.usage.emit").trim().toLowerCase(Locale.ROOT);
    if (!emit.equals("updates") && !emit.equals("final")) {
      throw new ConfigException("tokentally.usage.emit must be updates or final, got " + emit);
    }
    return new UsageSettings(
        windows,
        Durations.parse(text(app, "tokentally.usage.grace")),
        Durations.parse(text(app, "tokentally.usage.retention")),
        emit.equals("final"));
  }

  private static List<String> list(String commaSeparated) {
    List<String> out = new ArrayList<>();
    for (String item : commaSeparated.split(",")) {
      if (!item.isBlank()) {
        out.add(item.trim());
      }
    }
    return out;
  }

  private static String text(Map<String, String> app, String key) {
    String value = app.get(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(key + " must not be empty");
    }
    return value;
  }

  private static boolean bool(Map<String, String> app, String key) {
    String value = text(app, key).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new ConfigException(key + " must be true or false, got " + value);
    }
    return Boolean.parseBoolean(value);
  }

  private static int integer(Map<String, String> app, String key, int min, int max) {
    String value = text(app, key);
    try {
      int n = Integer.parseInt(value);
      if (n < min || n > max) {
        throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, got " + value, e);
    }
  }
}
