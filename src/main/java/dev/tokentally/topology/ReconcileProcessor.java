package dev.tokentally.topology;

import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.models.ModelRegistry;
import dev.tokentally.reconcile.JoinEntry;
import dev.tokentally.reconcile.Joined;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Joins each accepted request with its vendor response by record key, in whichever order they come.
 * The side that comes first waits in {@code pending}; {@code deadlines} indexes every wait by the
 * time it ends (big-endian millis, then the key), so closing scans only what is due.
 *
 * <p>A wait ends {@code window + grace} after its first record's time. Time is the task's stream
 * time, and when the stream stops it goes on at wall-clock pace from the last stream time seen: a
 * replay far behind the clock does not close everything at once, and a quiet topic still closes its
 * requests. A request that waits out its time is written {@code no_response}, a response {@code
 * orphan}. A joined key leaves a {@code Done} marker until its wait would have ended, so a repeated
 * response is dropped and never charged twice.
 */
final class ReconcileProcessor implements Processor<byte[], JoinEntry, byte[], Joined> {
  /** How often wall-clock time closes due waits when no record arrives. */
  static final Duration CLOSE_INTERVAL = Duration.ofSeconds(1);

  /** Waits closed at most per pass, so one pass never holds the thread long. */
  private static final int CLOSE_BATCH = 10_000;

  private static final byte[] EMPTY = new byte[0];

  private final ModelRegistry registry;
  private final RequestMetrics metrics;
  private final long waitMs;
  private ProcessorContext<byte[], Joined> context;
  private KeyValueStore<Bytes, JoinEntry> pending;
  private KeyValueStore<Bytes, byte[]> deadlines;

  /** The earliest deadline that may be in the index; MIN_VALUE until the index was read once. */
  private long nextDeadline = Long.MIN_VALUE;

  private long lastStreamTime = -1;
  private long wallAtLastStreamTime;

  ReconcileProcessor(ModelRegistry registry, RequestMetrics metrics, Duration wait) {
    this.registry = registry;
    this.metrics = metrics;
    this.waitMs = wait.toMillis();
  }

  @Override
  public void init(ProcessorContext<byte[], Joined> context) {
    this.context = context;
    this.pending = context.getStateStore(Names.RECONCILE_PENDING);
    this.deadlines = context.getStateStore(Names.RECONCILE_DEADLINES);
    context.schedule(CLOSE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::closeDue);
  }

  @Override
  public void process(Record<byte[], JoinEntry> record) {
    closeDue(context.currentSystemTimeMs());
    Bytes key = Bytes.wrap(record.key());
    JoinEntry waiting = pending.get(key);
    JoinEntry arriving = record.value();
    if (arriving instanceof JoinEntry.Request request) {
      if (waiting == null) {
        wait(key, request);
      } else if (waiting instanceof JoinEntry.Response response) {
        join(record.key(), key, waiting, request, response);
      } else {
        emit(record.key(), Joined.duplicate(request));
      }
    } else if (arriving instanceof JoinEntry.Response response) {
      if (waiting == null) {
        wait(key, response);
      } else if (waiting instanceof JoinEntry.Request request) {
        join(record.key(), key, waiting, request, response);
      } else {
        metrics.duplicateResponse();
      }
    } else {
      throw new IllegalArgumentException("only requests and responses are joined");
    }
  }

  private void wait(Bytes key, JoinEntry entry) {
    long deadline = entry.timestamp() + waitMs;
    pending.put(key, entry);
    deadlines.put(indexKey(deadline, key.get()), EMPTY);
    nextDeadline = Math.min(nextDeadline, deadline);
  }

  /** The waiting side's deadline stays as it was; the marker lives until then. */
  private void join(
      byte[] rawKey,
      Bytes key,
      JoinEntry waiting,
      JoinEntry.Request request,
      JoinEntry.Response response) {
    pending.put(key, new JoinEntry.Done(waiting.timestamp()));
    long at = Math.max(request.timestamp(), response.timestamp());
    emit(rawKey, Joined.of(request, response, registry, at));
  }

  private void emit(byte[] key, Joined joined) {
    context.forward(new Record<>(key, joined, joined.timestamp()));
  }

  /** The time waits are measured against: stream time, going on at wall pace when it stalls. */
  private long now(long wallNow) {
    long stream = context.currentStreamTimeMs();
    if (stream > lastStreamTime) {
      lastStreamTime = stream;
      wallAtLastStreamTime = wallNow;
    }
    if (lastStreamTime < 0) {
      return Long.MIN_VALUE;
    }
    return lastStreamTime + Math.max(0, wallNow - wallAtLastStreamTime);
  }

  private void closeDue(long wallNow) {
    long now = now(wallNow);
    if (now == Long.MIN_VALUE || now < nextDeadline) {
      return;
    }
    List<KeyValue<Bytes, Long>> due = new ArrayList<>();
    long next = Long.MAX_VALUE;
    try (KeyValueIterator<Bytes, byte[]> it = deadlines.all()) {
      while (it.hasNext()) {
        Bytes indexKey = it.next().key;
        long deadline = ByteBuffer.wrap(indexKey.get()).getLong();
        if (deadline > now || due.size() >= CLOSE_BATCH) {
          next = deadline;
          break;
        }
        due.add(KeyValue.pair(indexKey, deadline));
      }
    }
    for (KeyValue<Bytes, Long> d : due) {
      deadlines.delete(d.key);
      byte[] rawKey = Arrays.copyOfRange(d.key.get(), Long.BYTES, d.key.get().length);
      Bytes key = Bytes.wrap(rawKey);
      JoinEntry entry = pending.delete(key);
      if (entry instanceof JoinEntry.Request request) {
        emit(rawKey, Joined.of(request, null, registry, d.value));
      } else if (entry instanceof JoinEntry.Response response) {
        emit(rawKey, Joined.of(null, response, registry, d.value));
      }
    }
    nextDeadline = next;
  }

  static Bytes indexKey(long deadline, byte[] key) {
    return Bytes.wrap(
        ByteBuffer.allocate(Long.BYTES + key.length).putLong(deadline).put(key).array());
  }
}
