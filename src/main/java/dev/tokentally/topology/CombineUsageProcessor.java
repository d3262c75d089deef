package dev.tokentally.topology;

import dev.tokentally.config.Durations;
import dev.tokentally.usage.UsageDimension;
import dev.tokentally.usage.UsageEvent;
import dev.tokentally.usage.UsagePartial;
import dev.tokentally.usage.UsageRecords;
import dev.tokentally.usage.UsageSettings;
import dev.tokentally.usage.UsageTotals;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Combines usage in the task that read the requests, before any shuffle: one partial per name x
 * model key and window, summed in a logged store, sent on every {@code flush} of wall-clock time
 * (so partials go out when traffic stops too). The by-name and by-model partials are derived from
 * those at the flush, so a request costs three store updates instead of nine. The partials, the
 * store's changelog and the input offsets commit in one transaction, so exactly-once holds.
 *
 * <p>A request counts in a window unless the window has closed (end + grace at or before this
 * task's stream time), the rule the window aggregations apply; partials go out oldest first, so
 * they do not close each other's windows downstream.
 */
final class CombineUsageProcessor implements Processor<byte[], UsageEvent, String, UsagePartial> {
  private final UsageSettings settings;
  private final List<String> windowLabels;
  private final String storeName;
  private ProcessorContext<String, UsagePartial> context;
  private KeyValueStore<String, UsagePartial> combined;

  CombineUsageProcessor(UsageSettings settings, String storeName) {
    this.settings = settings;
    this.windowLabels = settings.windows().stream().map(Durations::label).toList();
    this.storeName = storeName;
  }

  @Override
  public void init(ProcessorContext<String, UsagePartial> context) {
    this.context = context;
    this.combined = context.getStateStore(storeName);
    context.schedule(settings.flush(), PunctuationType.WALL_CLOCK_TIME, now -> flush());
  }

  @Override
  public void process(Record<byte[], UsageEvent> record) {
    UsageEvent event = record.value();
    long at = record.timestamp();
    long streamTime = context.currentStreamTimeMs();
    long grace = settings.grace().toMillis();
    String key = UsageDimension.NAME_MODEL.key(event);
    for (int w = 0; w < windowLabels.size(); w++) {
      long size = settings.windows().get(w).toMillis();
      long start = at - Math.floorMod(at, size);
      if (start + size + grace <= streamTime) {
        continue;
      }
      add(key, windowLabels.get(w), start, event, at);
    }
    add(key, UsageRecords.ALL_TIME, -1, event, at);
  }

  private static String storeKey(UsageDimension dimension, String key, String window, long start) {
    // The key comes last: a name x model key holds a line break of its own.
    return dimension.id() + "\n" + window + "\n" + start + "\n" + key;
  }

  /** Adds the request to its name x model key's partial of one window. */
  private void add(String key, String window, long windowStart, UsageEvent event, long at) {
    UsageDimension dimension = UsageDimension.NAME_MODEL;
    String storeKey = storeKey(dimension, key, window, windowStart);
    UsagePartial before = combined.get(storeKey);
    UsagePartial partial =
        before == null
            ? new UsagePartial(dimension, key, window, windowStart, UsageTotals.EMPTY, at)
            : before;
    combined.put(storeKey, partial.plus(event, at));
  }

  private void flush() {
    List<String> stored = new ArrayList<>();
    // Keyed like the store; entries of other dimensions (written by an earlier version) are summed
    // with the ones derived here.
    Map<String, UsagePartial> out = new HashMap<>();
    try (KeyValueIterator<String, UsagePartial> it = combined.all()) {
      while (it.hasNext()) {
        KeyValue<String, UsagePartial> kv = it.next();
        stored.add(kv.key);
        UsagePartial p = kv.value;
        if (p.dimension() == UsageDimension.NAME_MODEL) {
          for (UsageDimension d : UsageDimension.values()) {
            collect(out, p.as(d, d.keyWithin(p.key())));
          }
        } else {
          collect(out, p);
        }
      }
    }
    List<UsagePartial> partials = new ArrayList<>(out.values());
    partials.sort(Comparator.comparingLong(UsagePartial::timestamp));
    for (UsagePartial p : partials) {
      context.forward(new Record<>(p.key(), p, p.timestamp()));
    }
    stored.forEach(combined::delete);
  }

  private static void collect(Map<String, UsagePartial> out, UsagePartial p) {
    out.merge(storeKey(p.dimension(), p.key(), p.window(), p.windowStart()), p, UsagePartial::plus);
  }
}
