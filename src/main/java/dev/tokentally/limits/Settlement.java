package dev.tokentally.limits;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Replaces what a request reserved from its name's budgets with what it finally took: the billed
 * usage, the input estimate alone when no response came, nothing when nothing was billed. It goes
 * to the task that holds the name's budgets, which adds {@code settled - reserved} to the window
 * the request was charged in.
 *
 * @param requestTimestamp the request's record time, which chose the windows it was charged in
 */
public record Settlement(String name, long requestTimestamp, Spend reserved, Spend settled) {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  /** What settling changes in a budget of {@code measure}. */
  public long delta(Budget.Measure measure) {
    return settled.in(measure) - reserved.in(measure);
  }

  /** JSON on the settlements repartition topic; unknown fields are ignored. */
  public static Serde<Settlement> serde() {
    return Serdes.serdeFrom(
        (topic, s) -> {
          try {
            return s == null ? null : MAPPER.writeValueAsBytes(s);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        (topic, bytes) -> {
          try {
            return bytes == null ? null : MAPPER.readValue(bytes, Settlement.class);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
