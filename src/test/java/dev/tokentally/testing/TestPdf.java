package dev.tokentally.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Valid PDF files written byte by byte (cross-reference table included), so tests control exactly
 * what a reader meets: one content stream per page, optionally Flate-compressed.
 */
public final class TestPdf {
  private TestPdf() {}

  /** A one-page PDF showing {@code content}, a content stream written as given. */
  public static byte[] page(String content, boolean flate) {
    return pages(List.of(content), flate);
  }

  /** A PDF with a Helvetica text line per page. */
  public static byte[] text(List<String> lines, boolean flate) {
    return pages(
        lines.stream()
            .map(
                l ->
                    "BT /F1 12 Tf 72 712 Td ("
                        + l.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
                        + ") Tj ET")
            .toList(),
        flate);
  }

  /** A PDF whose page {@code i} shows the content stream {@code contents.get(i)}. */
  public static byte[] pages(List<String> contents, boolean flate) {
    List<byte[]> objects = new ArrayList<>();
    int n = contents.size();
    StringBuilder kids = new StringBuilder();
    for (int i = 0; i < n; i++) {
      kids.append(4 + 2 * i).append(" 0 R ");
    }
    objects.add(ascii("<< /Type /Catalog /Pages 2 0 R >>"));
    objects.add(ascii("<< /Type /Pages /Kids [" + kids + "] /Count " + n + " >>"));
    objects.add(ascii("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"));
    for (int i = 0; i < n; i++) {
      objects.add(
          ascii(
              "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0"
                  + " R >> >> /Contents "
                  + (5 + 2 * i)
                  + " 0 R >>"));
      byte[] data = contents.get(i).getBytes(StandardCharsets.ISO_8859_1);
      if (flate) {
        data = deflate(data);
      }
      ByteArrayOutputStream stream = new ByteArrayOutputStream();
      stream.writeBytes(
          ascii(
              "<< /Length "
                  + data.length
                  + (flate ? " /Filter /FlateDecode" : "")
                  + " >>\nstream\n"));
      stream.writeBytes(data);
      stream.writeBytes(ascii("\nendstream"));
      objects.add(stream.toByteArray());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii("%PDF-1.4\n"));
    List<Integer> offsets = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      offsets.add(out.size());
      out.writeBytes(ascii((i + 1) + " 0 obj\n"));
      out.writeBytes(objects.get(i));
      out.writeBytes(ascii("\nendobj\n"));
    }
    int xref = out.size();
    out.writeBytes(ascii("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n"));
    for (int offset : offsets) {
      out.writeBytes(ascii(String.format("%010d 00000 n \n", offset)));
    }
    out.writeBytes(
        ascii(
            "trailer\n<< /Size "
                + (objects.size() + 1)
                + " /Root 1 0 R >>\nstartxref\n"
                + xref
                + "\n%%EOF\n"));
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[65536];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
