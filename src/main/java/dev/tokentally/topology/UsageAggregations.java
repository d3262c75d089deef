package dev.tokentally.topology;

import dev.tokentally.config.Durations;
import dev.tokentally.usage.UsageDimension;
import dev.tokentally.usage.UsagePartial;
import dev.tokentally.usage.UsageRecords;
import dev.tokentally.usage.UsageSerdes;
import dev.tokentally.usage.UsageSettings;
import dev.tokentally.usage.UsageTotals;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.EmitStrategy;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.TimeWindowedKStream;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Adds the usage aggregates to a topology: from the one partials repartition, for each dimension a
 * tumbling-window store per configured window and an all-time store, all written to the dimension's
 * output topic. Every store is queryable by {@link UsageDimension#storeName} and has a changelog.
 */
public final class UsageAggregations {
  private UsageAggregations() {}

  public static void addTo(
      KStream<String, UsagePartial> partials,
      Map<UsageDimension, String> outputTopics,
      UsageSettings settings) {
    Serde<String> strings = Serdes.String();
    Serde<UsagePartial> partialSerde = UsageSerdes.partial();
    Serde<UsageTotals> totals = UsageSerdes.totals();
    Serde<byte[]> bytes = Serdes.ByteArray();
    for (UsageDimension dimension : UsageDimension.values()) {
      String topic = outputTopics.get(dimension);

      for (Duration size : settings.windows()) {
        String window = Durations.label(size);
        String store = dimension.storeName(window);
        TimeWindowedKStream<String, UsagePartial> windowed =
            of(partials, dimension, window, store)
                .groupByKey(Grouped.with(strings, partialSerde))
                .windowedBy(TimeWindows.ofSizeAndGrace(size, settings.grace()));
        if (settings.emitFinal()) {
          windowed = windowed.emitStrategy(EmitStrategy.onWindowClose());
        }
        boolean closed = settings.emitFinal();
        windowed
            .aggregate(
                () -> UsageTotals.EMPTY,
                (key, partial, sum) -> sum.plus(partial.totals()),
                Named.as("aggregate-" + store),
                Materialized.<String, UsageTotals, WindowStore<Bytes, byte[]>>as(store)
                    .withKeySerde(strings)
                    .withValueSerde(totals)
                    .withRetention(settings.retentionFor(size)))
            .toStream(Named.as(store + "-changes"))
            .map(
                (key, sum) ->
                    record(
                        dimension,
                        key.key(),
                        window,
                        key.window().start(),
                        key.window().end(),
                        sum,
                        closed),
                Named.as(store + "-json"))
            .to(topic, Produced.with(bytes, bytes).withName("write-" + store));
      }

      String allTime = dimension.storeName(UsageRecords.ALL_TIME);
      var allTimeTotals =
          of(partials, dimension, UsageRecords.ALL_TIME, allTime)
              .groupByKey(Grouped.with(strings, partialSerde))
              .aggregate(
                  () -> UsageTotals.EMPTY,
                  (key, partial, sum) -> sum.plus(partial.totals()),
                  Named.as("aggregate-" + allTime),
                  Materialized.<String, UsageTotals, KeyValueStore<Bytes, byte[]>>as(allTime)
                      .withKeySerde(strings)
                      .withValueSerde(totals));
      // All-time totals never close, so billing mode (final records only) does not publish them;
      // they stay queryable either way.
      if (!settings.emitFinal()) {
        allTimeTotals
            .toStream(Named.as(allTime + "-changes"))
            .map(
                (key, sum) -> record(dimension, key, UsageRecords.ALL_TIME, null, null, sum, false),
                Named.as(allTime + "-json"))
            .to(topic, Produced.with(bytes, bytes).withName("write-" + allTime));
      }
    }
  }

  /** The partials of one dimension and window; filtering keeps the key, so no repartition. */
  private static KStream<String, UsagePartial> of(
      KStream<String, UsagePartial> partials,
      UsageDimension dimension,
      String window,
      String store) {
    return partials.filter(
        (key, p) -> p.dimension() == dimension && p.window().equals(window),
        Named.as(store + "-partials"));
  }

  /** One usage record as the usage topics carry it: JSON key and value. */
  private static KeyValue<byte[], byte[]> record(
      UsageDimension dimension,
      String key,
      String window,
      Long windowStart,
      Long windowEnd,
      UsageTotals sum,
      boolean closed) {
    return KeyValue.pair(
        UsageRecords.key(dimension, key, window, windowStart),
        UsageRecords.bytes(
            UsageRecords.value(dimension, key, window, windowStart, windowEnd, sum, closed)));
  }
}
