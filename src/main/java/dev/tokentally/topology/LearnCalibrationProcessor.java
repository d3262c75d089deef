package dev.tokentally.topology;

import dev.tokentally.calibration.CalibrationJson;
import dev.tokentally.calibration.CalibrationLearner;
import dev.tokentally.calibration.CalibrationSample;
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
  private KeyValueStore<String, CalibrationLearner.State> states;
  private ProcessorContext<String, byte[]> context;

  LearnCalibrationProcessor(CalibrationLearner learner) {
    this.learner = learner;
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
    CalibrationLearner.Step step =
        learner.learn(
            state == null ? CalibrationLearner.State.empty(sample.family()) : state, sample);
    states.put(sample.family(), step.state());
    if (step.published() != null) {
      long at = step.published().timestamp();
      context.forward(
          new Record<>(
              sample.family(), CalibrationJson.correction(step.published().correction(), at), at));
    }
  }
}
