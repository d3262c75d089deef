package dev.tokentally.calibration;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Binary form of a family's learning state in the {@code calibration-learner} store: a version
 * byte, the family, the counters and the current factor, then factors and errors (oldest first) as
 * 4-byte floats. The state changes with every pair, so its size is what the store and its changelog
 * pay: as JSON doubles it made the changelog half the size of the input in the benchmark. A state
 * read with another {@code tokentally.calibration.pairs} keeps the most recent values that fit.
 */
public final class LearnerStateSerde {
  private static final byte VERSION = 1;

  private LearnerStateSerde() {}

  /**
   * @param settings the capacity states are read into
   */
  public static Serde<CalibrationLearner.State> serde(CalibrationSettings settings) {
    return Serdes.serdeFrom(
        (topic, state) -> state == null ? null : write(state),
        (topic, bytes) -> bytes == null ? null : read(bytes, settings.pairs()));
  }

  static byte[] write(CalibrationLearner.State s) {
    byte[] family = s.family.getBytes(StandardCharsets.UTF_8);
    double[] factors = s.factors.toArray();
    double[] errors = s.errors.toArray();
    ByteBuffer out =
        ByteBuffer.allocate(
            1 + 4 + family.length + 4 + 8 + 8 + 4 + 4 * factors.length + 4 + 4 * errors.length);
    out.put(VERSION).putInt(family.length).put(family);
    out.putInt(s.sinceLast).putLong(s.version).putDouble(s.current);
    putFloats(out, factors);
    putFloats(out, errors);
    return out.array();
  }

  static CalibrationLearner.State read(byte[] bytes, int capacity) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown calibration learner state version " + version);
    }
    byte[] family = new byte[in.getInt()];
    in.get(family);
    CalibrationLearner.State s =
        new CalibrationLearner.State(new String(family, StandardCharsets.UTF_8), capacity);
    s.sinceLast = in.getInt();
    s.version = in.getLong();
    s.current = in.getDouble();
    readFloats(in, s.factors);
    readFloats(in, s.errors);
    return s;
  }

  private static void putFloats(ByteBuffer out, double[] values) {
    out.putInt(values.length);
    for (double v : values) {
      out.putFloat((float) v);
    }
  }

  private static void readFloats(ByteBuffer in, CalibrationLearner.Recent into) {
    int n = in.getInt();
    for (int i = 0; i < n; i++) {
      into.add(in.getFloat());
    }
  }
}
