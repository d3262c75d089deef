package dev.tokentally.usage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Reads this instance's usage stores through Interactive Queries v2, from active partitions only: a
 * standby copy may lag, and reading it as well as the active one would count a key twice.
 */
public final class LocalUsageStores {
  private final KafkaStreams streams;

  public LocalUsageStores(KafkaStreams streams) {
    this.streams = streams;
  }

  /** Why a store could not answer: restoring, rebalancing, moved or stopped. Worth a retry. */
  public static final class Unavailable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unavailable(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * @param partitions the partitions that answered
   */
  public record Answer(Set<Integer> partitions, List<UsageRow> rows) {}

  /**
   * @param partitions the partitions to read, each of which must be active here; null reads every
   *     partition active here
   */
  public Answer query(UsageQuery q, Set<Integer> partitions) {
    List<UsageRow> rows = new ArrayList<>();
    long size = q.windowMillis();
    Set<Integer> answered;
    if (q.allTime() && q.selector() == UsageQuery.Selector.KEY) {
      KeyQuery<String, Object> query = KeyQuery.withKey(q.key());
      answered =
          forEachResult(
              q,
              query,
              partitions,
              value -> {
                if (value != null) {
                  rows.add(row(q, q.key(), null, size, value));
                }
              });
    } else if (q.allTime()) {
      RangeQuery<String, Object> query =
          q.selector() == UsageQuery.Selector.PREFIX
              ? RangeQuery.withRange(q.key(), successor(q.key()))
              : RangeQuery.withNoBounds();
      answered =
          this.<KeyValueIterator<String, Object>>forEachResult(
              q,
              query,
              partitions,
              iterator ->
                  drain(
                      iterator,
                      q,
                      key -> key,
                      (key, value) -> rows.add(row(q, key, null, size, value))));
    } else if (q.selector() == UsageQuery.Selector.KEY) {
      WindowKeyQuery<String, Object> query =
          WindowKeyQuery.withKeyAndWindowStartRange(q.key(), q.from(), q.to());
      answered =
          this.<WindowStoreIterator<Object>>forEachResult(
              q,
              query,
              partitions,
              iterator ->
                  drain(
                      iterator,
                      q,
                      start -> q.key(),
                      (start, value) -> rows.add(row(q, q.key(), start, size, value))));
    } else {
      WindowRangeQuery<String, Object> query =
          WindowRangeQuery.withWindowStartRange(q.from(), q.to());
      answered =
          this.<KeyValueIterator<Windowed<String>, Object>>forEachResult(
              q,
              query,
              partitions,
              iterator ->
                  drain(
                      iterator,
                      q,
                      Windowed::key,
                      (windowed, value) ->
                          rows.add(
                              row(q, windowed.key(), windowed.window().start(), size, value))));
    }
    return new Answer(answered, rows);
  }

  /** Reads a store iterator to the end and closes it, keeping the entries the query selects. */
  private static <K> void drain(
      KeyValueIterator<K, Object> iterator,
      UsageQuery q,
      Function<K, String> keyOf,
      BiConsumer<K, Object> keep) {
    try (iterator) {
      iterator.forEachRemaining(
          kv -> {
            if (q.selects(keyOf.apply(kv.key))) {
              keep.accept(kv.key, kv.value);
            }
          });
    }
  }

  /**
   * Runs {@code query} and hands each partition's result to {@code consumer}.
   *
   * @return the partitions that answered
   */
  private <R> Set<Integer> forEachResult(
      UsageQuery q, Query<R> query, Set<Integer> partitions, Consumer<R> consumer) {
    StateQueryRequest<R> request = StateQueryRequest.inStore(q.storeName()).withQuery(query);
    request = partitions == null ? request : request.withPartitions(partitions);
    StateQueryResult<R> result;
    try {
      result = streams.query(request.requireActive());
    } catch (InvalidStateStoreException e) {
      throw new Unavailable(
          "usage store " + q.storeName() + " cannot be queried: " + e.getMessage());
    }
    Set<Integer> answered = new TreeSet<>();
    for (Map.Entry<Integer, QueryResult<R>> entry : result.getPartitionResults().entrySet()) {
      QueryResult<R> r = entry.getValue();
      if (r.isSuccess()) {
        consumer.accept(r.getResult());
        answered.add(entry.getKey());
      } else if (partitions != null || r.getFailureReason() != FailureReason.NOT_ACTIVE) {
        // A standby answers NOT_ACTIVE when every local partition was asked for; skip it then.
        throw new Unavailable(
            "usage store "
                + q.storeName()
                + " partition "
                + entry.getKey()
                + ": "
                + r.getFailureReason()
                + " "
                + r.getFailureMessage());
      }
    }
    if (partitions != null && !result.getPartitionResults().keySet().containsAll(partitions)) {
      throw new Unavailable("usage store " + q.storeName() + " did not answer for " + partitions);
    }
    return answered;
  }

  /** The smallest string above every string that starts with {@code prefix}. */
  private static String successor(String prefix) {
    int last = prefix.length() - 1;
    return prefix.substring(0, last) + (char) (prefix.charAt(last) + 1);
  }

  private static UsageRow row(
      UsageQuery q, String key, Long windowStart, long windowMillis, Object value) {
    Long end = windowStart == null ? null : windowStart + windowMillis;
    return new UsageRow(q.dimension(), key, q.window(), windowStart, end, totals(value));
  }

  /** DSL stores are timestamped; depending on the query type IQv2 may hand back the wrapper. */
  private static UsageTotals totals(Object value) {
    Object v = value instanceof ValueAndTimestamp<?> vt ? vt.value() : value;
    return (UsageTotals) v;
  }
}
