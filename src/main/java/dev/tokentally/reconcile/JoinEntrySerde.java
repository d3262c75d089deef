package dev.tokentally.reconcile;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * JSON form of {@link JoinEntry} in the reconciliation store and on the topic that brings budgeted
 * requests back to their key's partition. Unknown fields are ignored, so a newer writer's entries
 * still read after a rollback.
 */
public final class JoinEntrySerde {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private JoinEntrySerde() {}

  public static Serde<JoinEntry> serde() {
    return Serdes.serdeFrom(
        (topic, entry) -> entry == null ? null : write(entry),
        (topic, bytes) -> bytes == null ? null : read(bytes));
  }

  public static byte[] write(JoinEntry entry) {
    try {
      return MAPPER.writerFor(JoinEntry.class).writeValueAsBytes(entry);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JoinEntry read(byte[] bytes) {
    try {
      return MAPPER.readValue(bytes, JoinEntry.class);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt reconciliation entry", e);
    }
  }
}
