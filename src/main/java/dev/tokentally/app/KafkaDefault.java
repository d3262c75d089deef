package dev.tokentally.app;

import java.util.List;

/**
 * The Kafka Streams and client settings tokentally sets, each defined once with why. Rows with a
 * value are defaults the user may override ({@link ConfigLoader}); derived rows are computed or
 * fixed by {@link StreamsProperties}. README's table is generated from these rows.
 */
public enum KafkaDefault {
  APPLICATION_ID(
      "application.id",
      "tokentally",
      "Streams group and internal-topic prefix; keep it stable, since changing it starts from"
          + " empty state"),
  PROCESSING_GUARANTEE(
      "processing.guarantee", "exactly_once_v2", "every input record is written exactly once"),
  STATE_DIR("state.dir", "./data/streams", "local state"),
  EXPLICIT_NAMING(
      "ensure.explicit.internal.resource.naming",
      "true",
      "the build fails if any store or internal topic is unnamed"),
  COMMIT_INTERVAL(
      "commit.interval.ms",
      "50",
      "an enriched record is visible to `read_committed` readers at the next commit; 50 ms gave a"
          + " p50 of 28 ms at 200 records/s and no throughput loss against 100 ms"
          + " ([performance](docs/performance.md))"),
  STANDBY_REPLICAS("num.standby.replicas", "0", "warm copies of state on other instances"),
  GLOBAL_PROCESSING_HANDLER(
      "processing.exception.handler.global.enabled",
      "true",
      "opts in now to the Kafka 5.0 default, which silences a start-up warning per thread"),
  PRODUCER_BATCH_SIZE(
      "producer.batch.size",
      "262144",
      "records are around 2 KB, and the 16 KB default holds too few"),
  PRODUCER_LINGER_MS("producer.linger.ms", "5", "lets batches fill at moderate rates"),
  PRODUCER_COMPRESSION(
      "producer.compression.type",
      "lz4",
      "request JSON compresses about 2.3x; the broker stores and serves less than half the bytes"
          + " for little CPU"),
  MAX_RECORD_SIZE(
      List.of("producer.max.request.size", "topic.max.message.bytes"),
      null,
      "2 x `tokentally.request.max.bytes` + 1 MiB",
      "a budgeted request crosses the by-name repartition with its enriched form and its payload"),
  DESERIALIZATION_HANDLER(
      "deserialization.exception.handler",
      null,
      "`LogAndFailExceptionHandler`",
      "keys and values are read as raw bytes, which cannot fail; should that change, stop loudly"
          + " rather than skip"),
  PRODUCTION_HANDLER(
      "production.exception.handler",
      null,
      "`DefaultProductionExceptionHandler`",
      "a record that cannot be written is not committed"),
  PROCESSING_HANDLER(
      "processing.exception.handler",
      null,
      "tokentally's dead-letter handler (fixed)",
      "unexpected exceptions become `internal_error` dead letters"),
  PROCESSOR_WRAPPER(
      "processor.wrapper.class",
      null,
      "tokentally's `RecordIsolation` (fixed)",
      "wraps every processor, so an error one record causes (a stack overflow) reaches that handler"
          + " too");

  private final List<String> keys;
  private final String value;
  private final String shown;
  private final String why;

  KafkaDefault(String key, String value, String why) {
    this(key, value, "`" + value + "`", why);
  }

  KafkaDefault(String key, String value, String shown, String why) {
    this(List.of(key), value, shown, why);
  }

  KafkaDefault(List<String> keys, String value, String shown, String why) {
    this.keys = List.copyOf(keys);
    this.value = value;
    this.shown = shown;
    this.why = why;
  }

  /** The settings this row sets; more than one only for a derived row. */
  public List<String> keys() {
    return keys;
  }

  /** The default the user may override, or null when {@link StreamsProperties} derives it. */
  public String value() {
    return value;
  }

  /** README's table of these rows. */
  public static String markdownTable() {
    StringBuilder out = new StringBuilder("| key | default | why |\n| --- | --- | --- |\n");
    for (KafkaDefault d : values()) {
      out.append("| `")
          .append(String.join("`, `", d.keys))
          .append("` | ")
          .append(d.shown)
          .append(" | ")
          .append(d.why)
          .append(" |\n");
    }
    return out.toString();
  }
}
