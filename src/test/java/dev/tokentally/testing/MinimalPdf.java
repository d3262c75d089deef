package dev.tokentally.testing;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Writes small but valid PDFs (objects, a cross-reference table with real byte offsets, a trailer)
 * for tests: pages of text in Helvetica, or one page around a content stream given byte for byte,
 * each stream plain or Flate-compressed. Enough for any PDF reader, including a strict one.
 */
public final class MinimalPdf {
  private final List<byte[]> objects = new ArrayList<>();

  private MinimalPdf() {}

  /** One page per entry, each line of an entry a line of text on that page, US Letter. */
  public static byte[] pages(List<List<String>> pages, boolean flate) {
    MinimalPdf pdf = new MinimalPdf();
    int catalog = pdf.reserve();
    int tree = pdf.reserve();
    int font = pdf.add(ascii("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"));
    List<Integer> kids = new ArrayList<>();
    for (List<String> lines : pages) {
      StringBuilder content = new StringBuilder("BT /F1 11 Tf 14 TL 56 740 Td\n");
      for (String line : lines) {
        content.append('(').append(escape(line)).append(") Tj T*\n");
      }
      content.append("ET\n");
      int stream = pdf.add(stream(content.toString().getBytes(StandardCharsets.ISO_8859_1), flate));
      kids.add(
          pdf.add(
              ascii(
                  "<< /Type /Page /Parent "
                      + tree
                      + " 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 "
                      + font
                      + " 0 R >> >> /Contents "
                      + stream
                      + " 0 R >>")));
    }
    pdf.set(catalog, ascii("<< /Type /Catalog /Pages " + tree + " 0 R >>"));
    StringBuilder refs = new StringBuilder();
    for (int kid : kids) {
      refs.append(kid).append(" 0 R ");
    }
    pdf.set(tree, ascii("<< /Type /Pages /Kids [" + refs + "] /Count " + kids.size() + " >>"));
    return pdf.write(catalog);
  }

  /** One US Letter page whose content stream is {@code content}, as given. */
  public static byte[] onePage(byte[] content, boolean flate) {
    MinimalPdf pdf = new MinimalPdf();
    int catalog = pdf.reserve();
    int tree = pdf.reserve();
    int stream = pdf.add(stream(content, flate));
    int page =
        pdf.add(
            ascii(
                "<< /Type /Page /Parent "
                    + tree
                    + " 0 R /MediaBox [0 0 612 792] /Contents "
                    + stream
                    + " 0 R >>"));
    pdf.set(catalog, ascii("<< /Type /Catalog /Pages " + tree + " 0 R >>"));
    pdf.set(tree, ascii("<< /Type /Pages /Kids [" + page + " 0 R] /Count 1 >>"));
    return pdf.write(catalog);
  }

  /** Escapes a PDF literal string; characters outside Latin-1 become '?'. */
  public static String escape(String text) {
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '(', ')', '\\' -> out.append('\\').append(c);
        default -> out.append(c < 0x20 || c > 0xFF ? '?' : c);
      }
    }
    return out.toString();
  }

  private int reserve() {
    objects.add(null);
    return objects.size();
  }

  private int add(byte[] body) {
    objects.add(body);
    return objects.size();
  }

  private void set(int number, byte[] body) {
    objects.set(number - 1, body);
  }

  private static byte[] stream(byte[] data, boolean flate) {
    byte[] body = flate ? deflate(data) : data;
    ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
    out.writeBytes(
        ascii(
            "<< /Length "
                + body.length
                + (flate ? " /Filter /FlateDecode" : "")
                + " >>\nstream\n"));
    out.writeBytes(body);
    out.writeBytes(ascii("\nendstream"));
    return out.toByteArray();
  }

  private byte[] write(int root) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ascii("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n"));
    long[] offsets = new long[objects.size()];
    for (int i = 0; i < objects.size(); i++) {
      offsets[i] = out.size();
      out.writeBytes(ascii((i + 1) + " 0 obj\n"));
      out.writeBytes(objects.get(i));
      out.writeBytes(ascii("\nendobj\n"));
    }
    long xref = out.size();
    StringBuilder table = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n");
    table.append("0000000000 65535 f \n");
    for (long offset : offsets) {
      table.append(String.format("%010d 00000 n \n", offset));
    }
    table
        .append("trailer\n<< /Size ")
        .append(objects.size() + 1)
        .append(" /Root ")
        .append(root)
        .append(" 0 R >>\nstartxref\n")
        .append(xref)
        .append("\n%%EOF\n");
    out.writeBytes(ascii(table.toString()));
    return out.toByteArray();
  }

  private static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater(6);
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, data.length / 4));
    byte[] buffer = new byte[1 << 16];
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
