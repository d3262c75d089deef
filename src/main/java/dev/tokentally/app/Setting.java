package dev.tokentally.app;

import dev.tokentally.config.ConfigException;
import dev.tokentally.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every {@code tokentally.*} setting, each defined once: key, type, default, bounds and what it
 * does. {@link ConfigLoader} reads values through these rows, the bounds are checked here, and
 * README's settings table is generated from {@link #values()} (a test keeps it in step).
 */
public enum Setting {
  TOPIC_REQUESTS("tokentally.topic.requests", Type.TEXT, "llm.requests", "input topic"),
  TOPIC_ENRICHED(
      "tokentally.topic.enriched", Type.TEXT, "llm.requests.enriched", "enriched output topic"),
  TOPIC_DLQ("tokentally.topic.dlq", Type.TEXT, "llm.requests.dlq", "dead-letter topic"),
  TOPIC_USAGE_BY_MODEL(
      "tokentally.topic.usage.by.model", Type.TEXT, "llm.usage.by-model", "usage per model"),
  TOPIC_USAGE_BY_NAME(
      "tokentally.topic.usage.by.name", Type.TEXT, "llm.usage.by-name", "usage per function name"),
  TOPIC_USAGE_BY_NAME_MODEL(
      "tokentally.topic.usage.by.name.model",
      Type.TEXT,
      "llm.usage.by-name-model",
      "usage per name x model"),
  TOPIC_RESPONSES(
      "tokentally.topic.responses",
      Type.TEXT,
      "llm.responses",
      "vendor responses, keyed like their requests and with as many partitions"),
  TOPIC_RECONCILED(
      "tokentally.topic.reconciled",
      Type.TEXT,
      "llm.requests.reconciled",
      "each accepted request with what the vendor billed for it"),
  TOPIC_CALIBRATION(
      "tokentally.topic.calibration",
      Type.TEXT,
      "llm.calibration",
      "compacted: the live correction of each model family's text model"),
  TOPICS_CREATE("tokentally.topics.create", Type.BOOLEAN, "true", "create missing topics at start"),
  TOPICS_PARTITIONS(
      "tokentally.topics.partitions",
      Type.INTEGER,
      "3",
      1,
      10_000,
      "partitions for topics it creates"),
  TOPICS_REPLICATION_FACTOR(
      "tokentally.topics.replication.factor",
      Type.INTEGER,
      "-1",
      -1,
      Short.MAX_VALUE,
      "replicas for topics it creates; `-1` = the broker's default"),
  REQUEST_MAX_BYTES(
      "tokentally.request.max.bytes",
      Type.INTEGER,
      String.valueOf(8 << 20),
      1024,
      512 << 20,
      "larger values are `payload_too_large`; producer and topic sizes follow from it"),
  LIMITS_FILE(
      "tokentally.limits.file",
      Type.PATH,
      "",
      "request caps and budgets ([Limits and budgets](#limits-and-budgets))"),
  LIMITS_REQUEST_MAX_TOKENS(
      "tokentally.limits.request.max.tokens",
      Type.OPTIONAL_INTEGER,
      "",
      1,
      Integer.MAX_VALUE,
      "default per-request cap"),
  LIMITS_CONTEXT_HEADROOM(
      "tokentally.limits.context.headroom",
      Type.CHOICE,
      "none",
      List.of("none", "error_bar"),
      "`error_bar`: the context-window check adds the count's error bar"
          + " ([Limits and budgets](#limits-and-budgets))"),
  USAGE_WINDOWS("tokentally.usage.windows", Type.DURATIONS, "1m,1h", "tumbling usage windows"),
  USAGE_GRACE(
      "tokentally.usage.grace",
      Type.DURATION,
      "1m",
      "how late a record may be and still count in its window"),
  USAGE_RETENTION(
      "tokentally.usage.retention",
      Type.DURATION,
      "2d",
      "how long closed windows stay in the stores"),
  USAGE_FLUSH(
      "tokentally.usage.flush",
      Type.DURATION,
      "1s",
      "how often each input task sends its combined usage on; usage records and queries lag by up to"
          + " this"),
  USAGE_EMIT(
      "tokentally.usage.emit",
      Type.CHOICE,
      "updates",
      List.of("updates", "final"),
      "`updates` (dashboards) or `final` (one record per closed window, billing)"),
  RECONCILE_ENABLED(
      "tokentally.reconcile.enabled",
      Type.BOOLEAN,
      "true",
      "join accepted requests with `tokentally.topic.responses` ([Reconciliation](#reconciliation))"),
  RECONCILE_WINDOW(
      "tokentally.reconcile.window",
      Type.DURATION,
      "1h",
      "how long a request waits for its response, and a response for its request"),
  RECONCILE_GRACE(
      "tokentally.reconcile.grace",
      Type.DURATION,
      "5m",
      "added to the window before `no_response` or `orphan` is written; stream time or, when"
          + " traffic stops, wall-clock time"),
  CALIBRATION_APPLY(
      "tokentally.calibration.apply",
      Type.BOOLEAN,
      "false",
      "count with the live correction learned from reconciled pairs (`calibrated_live`)"
          + " ([Live calibration](#live-calibration))"),
  CALIBRATION_PAIRS(
      "tokentally.calibration.pairs",
      Type.INTEGER,
      "500",
      10,
      100_000,
      "recent comparable pairs per model family the correction is learned from"),
  CALIBRATION_MIN_PAIRS(
      "tokentally.calibration.min.pairs",
      Type.INTEGER,
      "50",
      10,
      100_000,
      "pairs a family needs before its first correction is published"),
  CALIBRATION_EVERY(
      "tokentally.calibration.every",
      Type.INTEGER,
      "10",
      1,
      100_000,
      "a new correction version is published after this many new pairs"),
  CALIBRATION_MIN_TEXT_TOKENS(
      "tokentally.calibration.min.text.tokens",
      Type.INTEGER,
      "50",
      1,
      1_000_000,
      "pairs whose text is shorter are not learned from"),
  HTTP_PORT(
      "tokentally.http.port",
      Type.INTEGER,
      "8080",
      0,
      65535,
      "HTTP port (count endpoints, usage, health, metrics); `0` = any free port"),
  HTTP_MAX_BODY_BYTES(
      "tokentally.http.max.body.bytes",
      Type.INTEGER,
      String.valueOf(32 << 20),
      1024,
      Integer.MAX_VALUE - 8,
      "larger request bodies get `413`"),
  HTTP_THREADS(
      "tokentally.http.threads",
      Type.INTEGER,
      "16",
      2,
      1024,
      "Jetty's thread pool; counting is CPU-bound, so more only queue"),
  HTTP_AUTH(
      "tokentally.http.auth",
      Type.CHOICE,
      "keys",
      List.of("keys", "none"),
      "`keys`: every route but the health probes needs an API key from"
          + " `tokentally.http.keys.file`, and with no keys file HTTP listens on loopback only;"
          + " `none`: no authentication on every interface (logs a warning)"),
  HTTP_KEYS_FILE(
      "tokentally.http.keys.file",
      Type.PATH,
      "",
      "API keys as SHA-256 hashes with scopes, one per line (`keys new` makes them); read again"
          + " when it changes"),
  HTTP_CLUSTER_SECRET(
      "tokentally.http.cluster.secret",
      Type.OPTIONAL_TEXT,
      "",
      "shared by all instances for the internal usage endpoint, which accepts nothing else; set it"
          + " from a Secret"),
  HTTP_RATE_LIMIT(
      "tokentally.http.rate.limit",
      Type.INTEGER,
      "50",
      0,
      1_000_000,
      "count requests per second per key (token bucket; `429` with `Retry-After` beyond it); `0` ="
          + " no limit"),
  HTTP_RATE_BURST(
      "tokentally.http.rate.burst",
      Type.INTEGER,
      "100",
      1,
      1_000_000,
      "count requests one key may send at once"),
  HTTP_TLS_KEYSTORE(
      "tokentally.http.tls.keystore",
      Type.PATH,
      "",
      "PKCS12 keystore; when set, the listener speaks only HTTPS"),
  HTTP_TLS_KEYSTORE_PASSWORD(
      "tokentally.http.tls.keystore.password",
      Type.OPTIONAL_TEXT,
      "",
      "its password; set it from a Secret"),
  HTTP_TLS_TRUSTSTORE(
      "tokentally.http.tls.truststore",
      Type.PATH,
      "",
      "PKCS12 truststore; when set, clients need a certificate it trusts"),
  HTTP_TLS_TRUSTSTORE_PASSWORD(
      "tokentally.http.tls.truststore.password", Type.OPTIONAL_TEXT, "", "its password"),
  METRICS_NAMES_ALLOW(
      "tokentally.metrics.names.allow",
      Type.LIST,
      "",
      "comma-separated function names that always keep their own metric label"),
  METRICS_NAMES_MAX(
      "tokentally.metrics.names.max",
      Type.INTEGER,
      "100",
      0,
      10_000,
      "further names that get their own label, first seen first; the rest are `other`"),
  METRICS_LABEL_MAX_CHARS(
      "tokentally.metrics.label.max.chars",
      Type.INTEGER,
      "64",
      8,
      1024,
      "longest metric label value"),
  BROKER_HOST(
      "tokentally.broker.host",
      Type.TEXT,
      "localhost",
      "embedded broker: host it listens on and advertises"),
  BROKER_PORT(
      "tokentally.broker.port", Type.INTEGER, "9092", 0, 65535, "embedded broker: client port"),
  BROKER_CONTROLLER_PORT(
      "tokentally.broker.controller.port",
      Type.INTEGER,
      "9093",
      0,
      65535,
      "embedded broker: KRaft controller port"),
  BROKER_DATA_DIR(
      "tokentally.broker.data.dir",
      Type.TEXT,
      "./data/kafka",
      "embedded broker: log directory; survives restarts"),
  SHUTDOWN_TIMEOUT_MS(
      "tokentally.shutdown.timeout.ms",
      Type.INTEGER,
      "10000",
      0,
      Integer.MAX_VALUE,
      "how long Kafka Streams may take to close on shutdown"),
  MODELS_FILE(
      "tokentally.models.file",
      Type.PATH,
      "",
      "your model registry JSON, merged over the shipped one (see [Model registry](#model-registry))"),
  MODELS_FALLBACK_ANTHROPIC(
      "tokentally.models.fallback.anthropic",
      Type.OPTIONAL_TEXT,
      "",
      "a known Anthropic model whose rules count unknown Anthropic models, labelled `heuristic`;"
          + " unset = `unknown_model`"),
  MODELS_FALLBACK_GEMINI(
      "tokentally.models.fallback.gemini", Type.OPTIONAL_TEXT, "", "the same for Gemini"),
  COUNT_CACHE_BLOCKS(
      "tokentally.count.cache.blocks",
      Type.INTEGER,
      "65536",
      0,
      1 << 24,
      "slots of the block-count cache (8 bytes each); `0` turns it off");

  /** How a value is read and checked. */
  public enum Type {
    /** Any non-empty text. */
    TEXT,
    /** Text that may be empty, meaning unset. */
    OPTIONAL_TEXT,
    /** A file path; empty means none. */
    PATH,
    /** A whole number within the row's bounds. */
    INTEGER,
    /** Empty (unset) or a whole number within the row's bounds. */
    OPTIONAL_INTEGER,
    /** {@code true} or {@code false}. */
    BOOLEAN,
    /** One of the row's choices. */
    CHOICE,
    /** A duration such as {@code 30s}, {@code 1m}, {@code 1h}, {@code 2d}. */
    DURATION,
    /** Comma-separated durations. */
    DURATIONS,
    /** Comma-separated text. */
    LIST
  }

  private final String key;
  private final Type type;
  private final String defaultValue;
  private final long min;
  private final long max;
  private final List<String> choices;
  private final String doc;

  Setting(String key, Type type, String defaultValue, String doc) {
    this(key, type, defaultValue, 0, 0, List.of(), doc);
  }

  Setting(String key, Type type, String defaultValue, long min, long max, String doc) {
    this(key, type, defaultValue, min, max, List.of(), doc);
  }

  Setting(String key, Type type, String defaultValue, List<String> choices, String doc) {
    this(key, type, defaultValue, 0, 0, choices, doc);
  }

  Setting(
      String key,
      Type type,
      String defaultValue,
      long min,
      long max,
      List<String> choices,
      String doc) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.min = min;
    this.max = max;
    this.choices = List.copyOf(choices);
    this.doc = doc;
  }

  public String key() {
    return key;
  }

  /** The environment variable that sets it: {@code TOKENTALLY_HTTP_PORT}. */
  public String environmentName() {
    return key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  public Type type() {
    return type;
  }

  /** The built-in value; empty means unset. */
  public String defaultValue() {
    return defaultValue;
  }

  /** What it does, as README's table says it (Markdown). */
  public String doc() {
    return doc;
  }

  /** The row with this key, or null. */
  public static Setting byKey(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return s;
      }
    }
    return null;
  }

  String text(String value) {
    if (value == null || value.isBlank()) {
      if (type == Type.OPTIONAL_TEXT || type == Type.PATH || type == Type.LIST) {
        return "";
      }
      throw new ConfigException(key + " must not be empty");
    }
    return value.trim();
  }

  long number(String value) {
    String text = text(value);
    long n;
    try {
      n = Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be a whole number, got " + text, e);
    }
    if (n < min || n > max) {
      throw new ConfigException(key + " must be between " + min + " and " + max + ", got " + n);
    }
    return n;
  }

  boolean bool(String value) {
    String text = text(value).toLowerCase(Locale.ROOT);
    if (!text.equals("true") && !text.equals("false")) {
      throw new ConfigException(key + " must be true or false, got " + text);
    }
    return Boolean.parseBoolean(text);
  }

  String choice(String value) {
    String text = text(value).toLowerCase(Locale.ROOT);
    if (!choices.contains(text)) {
      throw new ConfigException(key + " must be " + String.join(" or ", choices) + ", got " + text);
    }
    return text;
  }

  Duration duration(String value) {
    return Durations.parse(text(value));
  }

  List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String item : (value == null ? "" : value).split(",")) {
      if (!item.isBlank()) {
        out.add(item.trim());
      }
    }
    return out;
  }

  /** README's default column: {@code `8388608` (8 MiB)}, or {@code (none)} when unset. */
  String defaultShown() {
    if (defaultValue.isEmpty()) {
      return "(none)";
    }
    String shown = "`" + defaultValue + "`";
    if (type == Type.INTEGER && key.endsWith(".bytes")) {
      long bytes = Long.parseLong(defaultValue);
      if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
        shown += " (" + (bytes >> 20) + " MiB)";
      }
    }
    return shown;
  }

  /** README's settings table, one row per setting in declaration order. */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder("| key | environment | default | meaning |\n");
    out.append("| --- | --- | --- | --- |\n");
    for (Setting s : values()) {
      out.append("| `")
          .append(s.key)
          .append("` | `")
          .append(s.environmentName())
          .append("` | ")
          .append(s.defaultShown())
          .append(" | ")
          .append(s.doc)
          .append(" |\n");
    }
    return out.toString();
  }
}
