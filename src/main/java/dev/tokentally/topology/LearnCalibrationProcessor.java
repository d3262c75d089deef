package dev.tokentally.topology;

import dev.tokentally.calibration.CalibrationJson;
import dev.tokentally.calibration.CalibrationLearner;
import dev.tokentally.calibration.CalibrationSample;
import dev.tokentally.calibration.CalibrationSettings;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Learns each family's text correction from its samples, which arrive keyed by family so one task
 * sees all of a family's pairs in order, and forwards a correction whenever the learner publishes
 * one, keyed by family, for the compacted calibration topic.
 */
final class LearnCalibrationProcessor
    implements Processor<String, CalibrationSample, String, byte[]> {
  private final CalibrationLearner learner;
  private final CalibrationSettings settings;
  private KeyValueStore<String, CalibrationLearner.State> states;
  private ProcessorContext<String, byte[]> context;

  LearnCalibrationProcessor(CalibrationLearner learner, CalibrationSettings settings) {
    this.learner = learner;
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, byte[]> context) {
    this.context = context;
    this.states = context.getStateStore(Names.CALIBRATION_LEARNER);
  }

  @Override
  public void process(Record<String, CalibrationSample> record) {
    CalibrationSample sample = record.value();
    if (!learner.learnsFrom(sample)) {
      return;
    }
    CalibrationLearner.State state = states.get(sample.family());
    if (state == null) {
      state = CalibrationLearner.State.empty(sample.family(), settings);
    }
    CalibrationLearner.Published published = learner.learn(state, sample);
    states.put(sample.family(), state);
    if (published != null) {
      long at = published.timestamp();
      context.forward(
          new Record<>(
              sample.family(), CalibrationJson.correction(published.correction(), at), at));
    }
  }
}
