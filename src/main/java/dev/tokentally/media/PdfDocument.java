package dev.tokentally.media;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Page count and a best-effort text extraction of a PDF, enough to price it: vendors charge per
 * page plus the page's text. Pages come from the page-tree {@code /Count} (also inside compressed
 * object streams) or from counting page objects; text from the string operands of content streams.
 * Fonts with custom encodings extract poorly, which is why PDF counts are labelled estimates.
 */
public record PdfDocument(int pages, String text, double pageWidth, double pageHeight) {
  /** US Letter in points, for PDFs whose page size cannot be read. */
  static final double LETTER_WIDTH = 612;

  static final double LETTER_HEIGHT = 792;

  private static final Pattern MEDIA_BOX =
      Pattern.compile(
          "/MediaBox\\s*\\[\\s*(-?[\\d.]+)\\s+(-?[\\d.]+)\\s+(-?[\\d.]+)\\s+(-?[\\d.]+)\\s*\\]");

  private static final Pattern COUNT =
      Pattern.compile(
          "/Type\\s*/Pages\\b[^>]*?/Count\\s+(\\d+)|/Count\\s+(\\d+)[^>]*?/Type\\s*/Pages\\b");
  private static final Pattern PAGE = Pattern.compile("/Type\\s*/Page(?![a-zA-Z])");
  private static final Pattern STRING_OPERAND = Pattern.compile("\\(((?:\\\\.|[^\\\\)])*)\\)");
  private static final int MAX_INFLATED = 64 << 20;

  public static Optional<PdfDocument> read(byte[] data) {
    if (data.length < 8 || !new String(data, 0, 5, StandardCharsets.ISO_8859_1).equals("%PDF-")) {
      return Optional.empty();
    }
    String raw = new String(data, StandardCharsets.ISO_8859_1);
    StringBuilder inflated = new StringBuilder();
    StringBuilder text = new StringBuilder();
    int from = 0;
    while (true) {
      int stream = raw.indexOf("stream", from);
      if (stream < 0) {
        break;
      }
      int start = stream + 6;
      if (start < raw.length() && raw.charAt(start) == '\r') {
        start++;
      }
      if (start < raw.length() && raw.charAt(start) == '\n') {
        start++;
      }
      int end = raw.indexOf("endstream", start);
      if (end < 0) {
        break;
      }
      String dictionary = raw.substring(Math.max(0, raw.lastIndexOf("<<", stream)), stream);
      String body =
          dictionary.contains("/FlateDecode") ? inflate(data, start, end, inflated.length()) : null;
      if (body != null) {
        inflated.append(body).append('\n');
        if (body.contains("BT")) {
          extractText(body, text);
        }
      }
      from = end + 9;
    }
    int pages = Math.max(maxCount(raw), maxCount(inflated));
    if (pages == 0) {
      pages =
          (int) (PAGE.matcher(raw).results().count() + PAGE.matcher(inflated).results().count());
    }
    if (pages == 0) {
      return Optional.empty();
    }
    extractText(raw, text);
    double[] box = mediaBox(raw);
    if (box == null) {
      box = mediaBox(inflated);
    }
    return Optional.of(
        box == null
            ? new PdfDocument(pages, text.toString(), LETTER_WIDTH, LETTER_HEIGHT)
            : new PdfDocument(pages, text.toString(), box[0], box[1]));
  }

  /** Width and height in points of the first page box found, or null. */
  private static double[] mediaBox(CharSequence text) {
    Matcher m = MEDIA_BOX.matcher(text);
    if (!m.find()) {
      return null;
    }
    try {
      double width = Math.abs(Double.parseDouble(m.group(3)) - Double.parseDouble(m.group(1)));
      double height = Math.abs(Double.parseDouble(m.group(4)) - Double.parseDouble(m.group(2)));
      return width > 0 && height > 0 ? new double[] {width, height} : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static int maxCount(CharSequence text) {
    int max = 0;
    Matcher m = COUNT.matcher(text);
    while (m.find()) {
      String n = m.group(1) != null ? m.group(1) : m.group(2);
      if (n.length() < 7) {
        max = Math.max(max, Integer.parseInt(n));
      }
    }
    return max;
  }

  private static void extractText(String content, StringBuilder out) {
    int bt = content.indexOf("BT");
    while (bt >= 0) {
      int et = content.indexOf("ET", bt + 2);
      if (et < 0) {
        return;
      }
      Matcher m = STRING_OPERAND.matcher(content.substring(bt, et));
      while (m.find()) {
        out.append(unescape(m.group(1)));
      }
      out.append('\n');
      bt = content.indexOf("BT", et + 2);
    }
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        switch (n) {
          case 'n' -> out.append('\n');
          case 'r' -> out.append('\r');
          case 't' -> out.append('\t');
          default -> out.append(n);
        }
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static String inflate(byte[] data, int start, int end, int alreadyInflated) {
    Inflater inflater = new Inflater();
    try {
      inflater.setInput(data, start, end - start);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (!inflater.finished() && !inflater.needsInput()) {
        int n = inflater.inflate(buffer);
        if (n == 0 && inflater.needsDictionary()) {
          return null;
        }
        out.write(buffer, 0, n);
        if (out.size() + alreadyInflated > MAX_INFLATED) {
          return null; // a decompression bomb gets no further
        }
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    } catch (DataFormatException e) {
      return null;
    } finally {
      inflater.end();
    }
  }
}
