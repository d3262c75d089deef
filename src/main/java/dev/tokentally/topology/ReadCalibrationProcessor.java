package dev.tokentally.topology;

import dev.tokentally.calibration.CalibrationJson;
import dev.tokentally.calibration.LiveCorrections;
import dev.tokentally.counting.TextCorrection;
import dev.tokentally.metrics.RequestMetrics;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every instance's {@link LiveCorrections} at the latest correction of each family on the
 * calibration topic, read as a global store so each instance has all families. On start it takes
 * what the store restored; after that, each new version. A value that is no correction is logged
 * and skipped: the topic is writable by others, and counting must not depend on its hygiene.
 */
final class ReadCalibrationProcessor implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(ReadCalibrationProcessor.class);

  private final LiveCorrections corrections;
  private final RequestMetrics metrics;
  private KeyValueStore<String, byte[]> store;

  ReadCalibrationProcessor(LiveCorrections corrections, RequestMetrics metrics) {
    this.corrections = corrections;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(Names.CALIBRATION_LIVE);
    try (KeyValueIterator<String, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> entry = it.next();
        take(entry.value);
      }
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    if (take(record.value()) != null) {
      store.put(record.key(), record.value());
    } else {
      log.warn("skipped a value on the calibration topic that is no correction");
    }
  }

  private TextCorrection take(byte[] value) {
    TextCorrection c = CalibrationJson.readCorrection(value);
    if (c != null) {
      corrections.update(c);
      metrics.correction(c.family(), c.version(), c.factor(), c.errorPct(), c.pairs());
    }
    return c;
  }
}
