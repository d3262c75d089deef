package dev.tokentally.enrich;

import dev.tokentally.limits.Spend;
import dev.tokentally.request.SourcePosition;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Binary form of {@link CountedRequest} on the by-name repartition topic. It starts with a magic
 * byte and a version, which is also how the exception handlers tell it from an input record.
 */
public final class CountedRequestSerde {
  /** First byte of every serialised CountedRequest; input records are JSON and start otherwise. */
  static final byte MAGIC = (byte) 0xC7;

  /**
   * Version 3 added the count's error bar, the budget reservation and what calibration learns from,
   * version 2 the count method and family; older records still read, reserving their estimate only.
   */
  private static final byte VERSION = 3;

  private CountedRequestSerde() {}

  public static Serde<CountedRequest> serde() {
    return Serdes.serdeFrom(serializer(), deserializer());
  }

  public static Serializer<CountedRequest> serializer() {
    return (topic, r) -> r == null ? null : write(r);
  }

  public static Deserializer<CountedRequest> deserializer() {
    return (topic, bytes) -> bytes == null ? null : read(bytes);
  }

  /** True when the bytes are a serialised CountedRequest rather than an input record. */
  public static boolean isCountedRequest(byte[] bytes) {
    return bytes != null
        && bytes.length > 2
        && bytes[0] == MAGIC
        && bytes[1] >= 1
        && bytes[1] <= VERSION;
  }

  public static byte[] write(CountedRequest r) {
    ByteArrayOutputStream bytes =
        new ByteArrayOutputStream(64 + r.enriched().length + r.payload().length);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(MAGIC);
      out.writeByte(VERSION);
      writeBytes(out, r.key());
      writeString(out, r.source().topic());
      out.writeInt(r.source().partition());
      out.writeLong(r.source().offset());
      out.writeLong(r.source().timestamp());
      writeString(out, r.model());
      writeString(out, r.modelRequested());
      writeString(out, r.vendor());
      writeString(out, r.name());
      writeString(out, r.spanId());
      out.writeLong(r.inputTokens());
      writeString(out, r.countMethod());
      out.writeDouble(r.countErrorPct());
      writeString(out, r.family());
      out.writeDouble(r.costUsd());
      out.writeLong(r.uncorrectedTokens());
      out.writeDouble(r.textTokens());
      out.writeLong(r.reservation().inputTokens());
      out.writeLong(r.reservation().outputTokens());
      out.writeLong(r.reservation().nanoUsd());
      writeBytes(out, r.enriched());
      writeBytes(out, r.payload());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  public static CountedRequest read(byte[] bytes) {
    if (!isCountedRequest(bytes)) {
      throw new IllegalArgumentException("not a serialised CountedRequest");
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(bytes, 2, bytes.length - 2))) {
      byte version = bytes[1];
      byte[] key = readBytes(in);
      SourcePosition source =
          new SourcePosition(readString(in), in.readInt(), in.readLong(), in.readLong());
      String model = readString(in);
      String modelRequested = readString(in);
      String vendor = readString(in);
      String name = readString(in);
      String spanId = readString(in);
      long inputTokens = in.readLong();
      String countMethod = version >= 2 ? readString(in) : null;
      double countErrorPct = version >= 3 ? in.readDouble() : Double.NaN;
      String family = version >= 2 ? readString(in) : null;
      double costUsd = in.readDouble();
      long uncorrectedTokens = version >= 3 ? in.readLong() : inputTokens;
      double textTokens = version >= 3 ? in.readDouble() : 0;
      Spend reservation =
          version >= 3
              ? new Spend(in.readLong(), in.readLong(), in.readLong())
              : new Spend(inputTokens, 0, Spend.nanoUsd(costUsd));
      return new CountedRequest(
          key,
          source,
          model,
          modelRequested,
          vendor,
          name,
          spanId,
          inputTokens,
          countMethod,
          countErrorPct,
          family,
          costUsd,
          uncorrectedTokens,
          textTokens,
          reservation,
          readBytes(in),
          readBytes(in));
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt CountedRequest", e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    if (b == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return b;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = readBytes(in);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }
}
