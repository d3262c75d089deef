package dev.tokentally.counting;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Code point ranges that a tokenizer's regex classifies as letters or numbers while Java 17's
 * regex, with older Unicode tables, does not. Rendered as regex class fragments that test one
 * bounding range first, so ordinary characters do not pay for the list.
 *
 * @param letters a class fragment such as {@code [\x{870}-\x{323AF}&&[...]]}, or empty
 * @param numbers the same for numbers
 */
record UnicodeGap(String letters, String numbers) {

  static UnicodeGap load(String resource) {
    StringBuilder letters = new StringBuilder();
    StringBuilder numbers = new StringBuilder();
    int[] letterBounds = {Integer.MAX_VALUE, -1};
    int[] numberBounds = {Integer.MAX_VALUE, -1};
    try (InputStream in = UnicodeGap.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] parts = line.split("[ -]");
        int from = Integer.parseInt(parts[1], 16);
        int to = Integer.parseInt(parts[2], 16);
        boolean letter = parts[0].equals("L");
        (letter ? letters : numbers).append(range(from, to));
        int[] bounds = letter ? letterBounds : numberBounds;
        bounds[0] = Math.min(bounds[0], from);
        bounds[1] = Math.max(bounds[1], to);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return new UnicodeGap(guarded(letters, letterBounds), guarded(numbers, numberBounds));
  }

  private static String guarded(StringBuilder ranges, int[] bounds) {
    return ranges.isEmpty() ? "" : "[" + range(bounds[0], bounds[1]) + "&&[" + ranges + "]]";
  }

  private static String range(int from, int to) {
    return "\\x{" + Integer.toHexString(from) + "}-\\x{" + Integer.toHexString(to) + "}";
  }
}
