package dev.tokentally.counting;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * How a count's error bar and correction are written, the same in enriched records, {@code count}
 * and HTTP.
 */
public final class CountResponses {
  /** Response header with {@link TokenCount#errorPct()}; absent when no recording bounds it. */
  public static final String ERROR_PCT_HEADER = "tokentally-count-error-pct";

  private CountResponses() {}

  /**
   * A count as enriched records and the console's {@code POST /count} write it: the vendor's count
   * field ({@code input_tokens}, {@code totalTokens}), {@code count_method}, {@code
   * count_error_pct}, {@code calibration} when a live correction was applied, {@code breakdown}
   * and, when there is something to say, {@code count_notes}.
   */
  public static void putCount(ObjectNode out, String countField, TokenCount count) {
    out.put(countField, count.total());
    out.put("count_method", count.method().label());
    putErrorPct(out, count);
    putCorrection(out, count);
    ObjectNode breakdown = out.putObject("breakdown");
    count.breakdown().forEach(breakdown::put);
    if (!count.notes().isEmpty()) {
      count.notes().forEach(out.putArray("count_notes")::add);
    }
  }

  public static void putErrorPct(ObjectNode out, TokenCount count) {
    if (count.errorPct() == null) {
      out.putNull("count_error_pct");
    } else {
      out.put("count_error_pct", round(count.errorPct()));
    }
  }

  /**
   * The live correction a count used, so the number can be reproduced from the record alone: the
   * registered model's count, and the correction's family, version and text factor.
   */
  private static void putCorrection(ObjectNode out, TokenCount count) {
    TextCorrection.Applied applied = count.correction();
    if (applied == null) {
      return;
    }
    ObjectNode c = out.putObject("calibration");
    c.put("family", applied.correction().family());
    c.put("version", applied.correction().version());
    c.put("text_factor", applied.correction().factor());
    c.put("text_tokens", Math.round(count.textTokens() * 10) / 10.0);
    c.put("uncorrected_input_tokens", applied.uncorrectedTotal());
  }

  /** The error bar as a header value, e.g. {@code 2.4}; null when there is none. */
  public static String errorPctHeader(TokenCount count) {
    return count.errorPct() == null
        ? null
        : String.format(Locale.ROOT, "%.1f", round(count.errorPct()));
  }

  private static double round(double pct) {
    return Math.round(pct * 10) / 10.0;
  }
}
