package dev.tokentally.usage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Compact binary serdes for usage partials (the usage repartition topic and the combiner's store)
 * and totals (window and all-time stores, changelogs), which are written for every request's keys
 * and windows; JSON here would cost more than the counting it summarises. A leading version byte
 * leaves room to change the format.
 */
public final class UsageSerdes {
  /** Version 2 added the actual (reconciled) totals; version 1 records read with none. */
  private static final byte VERSION = 2;

  private UsageSerdes() {}

  /** Partials on the usage repartition topic. */
  public static Serde<UsagePartial> partial() {
    return Serdes.serdeFrom(
        (topic, p) -> p == null ? null : write(out -> writePartial(out, p)),
        (topic, bytes) -> bytes == null ? null : read(bytes, UsageSerdes::readPartial));
  }

  private static void writePartial(DataOutputStream out, UsagePartial p) throws IOException {
    out.writeUTF(p.dimension().id());
    out.writeUTF(p.key());
    out.writeUTF(p.window());
    out.writeLong(p.windowStart());
    out.writeLong(p.timestamp());
    writeTotals(out, p.totals());
  }

  private static UsagePartial readPartial(DataInputStream in) throws IOException {
    UsageDimension dimension = UsageDimension.byId(in.readUTF());
    String key = in.readUTF();
    String window = in.readUTF();
    long windowStart = in.readLong();
    long timestamp = in.readLong();
    return new UsagePartial(dimension, key, window, windowStart, readTotals(in), timestamp);
  }

  public static Serde<UsageTotals> totals() {
    return Serdes.serdeFrom(
        (topic, t) -> t == null ? null : write(out -> writeTotals(out, t)),
        (topic, bytes) -> bytes == null ? null : read(bytes, UsageSerdes::readTotals));
  }

  private static void writeTotals(DataOutputStream out, UsageTotals t) throws IOException {
    out.writeLong(t.requests());
    out.writeLong(t.inputTokens());
    out.writeDouble(t.costUsd());
    out.writeInt(t.rejected().size());
    for (Map.Entry<String, Long> e : t.rejectedByCode().entrySet()) {
      out.writeUTF(e.getKey());
      out.writeLong(e.getValue());
    }
    ActualTotals a = t.actual();
    out.writeLong(a.reconciled());
    out.writeLong(a.noResponse());
    out.writeLong(a.orphans());
    out.writeLong(a.inputTokens());
    out.writeLong(a.cacheReadTokens());
    out.writeLong(a.outputTokens());
    out.writeDouble(a.costUsd());
    out.writeLong(a.unpriced());
  }

  private static UsageTotals readTotals(DataInputStream in) throws IOException {
    long requests = in.readLong();
    long tokens = in.readLong();
    double cost = in.readDouble();
    int n = in.readInt();
    Map<String, Long> rejected = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      rejected.put(in.readUTF(), in.readLong());
    }
    ActualTotals actual = ActualTotals.EMPTY;
    if (in.available() > 0) {
      actual =
          new ActualTotals(
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readLong(),
              in.readDouble(),
              in.readLong());
    }
    return new UsageTotals(requests, tokens, cost, rejected, actual);
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer writer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writer.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] bytes, Reader<T> reader) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte version = in.readByte();
      if (version != 1 && version != VERSION) {
        throw new IllegalStateException("unknown usage record version " + version);
      }
      return reader.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
