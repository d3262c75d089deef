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
  public static void putCorrection(ObjectNode out, TokenCount count) {
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
