package dev.tokentally.counting;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * The deterministic PNG that jackin's {@code tools/image_tokens.py} {@code png(w, h)} builds for
 * its live image measurements: 8-bit RGB, row i holds bytes (i*7+j) % 256, filter 0, zlib level 1.
 */
public final class SyntheticPng {
  private SyntheticPng() {}

  public static byte[] of(int width, int height) {
    byte[] raw = new byte[height * (1 + 3 * width)];
    int k = 0;
    for (int i = 0; i < height; i++) {
      raw[k++] = 0;
      for (int j = 0; j < 3 * width; j++) {
        raw[k++] = (byte) ((i * 7 + j) % 256);
      }
    }
    Deflater deflater = new Deflater(1);
    deflater.setInput(raw);
    deflater.finish();
    ByteArrayOutputStream idat = new ByteArrayOutputStream();
    byte[] buffer = new byte[1 << 16];
    while (!deflater.finished()) {
      idat.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    chunk(
        png,
        "IHDR",
        ByteBuffer.allocate(13)
            .putInt(width)
            .putInt(height)
            .put(new byte[] {8, 2, 0, 0, 0})
            .array());
    chunk(png, "IDAT", idat.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    out.writeBytes(typeBytes);
    out.writeBytes(data);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }
}
