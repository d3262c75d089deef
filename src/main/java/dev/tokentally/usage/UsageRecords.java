package dev.tokentally.usage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The JSON written to the usage topics. Key: the dimension's fields, the window and its start, so a
 * compacted topic keeps the latest total of each window. Value: the same plus the totals.
 */
public final class UsageRecords {
  /** The {@code window} of the running all-time totals. */
  public static final String ALL_TIME = "all";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private UsageRecords() {}

  /**
   * @param windowStart epoch millis, or null for all-time totals
   */
  public static byte[] key(UsageDimension dimension, String key, String window, Long windowStart) {
    ObjectNode out = MAPPER.createObjectNode();
    dimension.writeKeyFields(key, out);
    out.put("window", window);
    if (windowStart != null) {
      out.put("window_start", Instant.ofEpochMilli(windowStart).toString());
    }
    return bytes(out);
  }

  public static ObjectNode value(
      UsageDimension dimension,
      String key,
      String window,
      Long windowStart,
      Long windowEnd,
      UsageTotals totals,
      boolean closed) {
    ObjectNode out = MAPPER.createObjectNode();
    dimension.writeKeyFields(key, out);
    out.put("window", window);
    out.put(
        "window_start", windowStart == null ? null : Instant.ofEpochMilli(windowStart).toString());
    out.put("window_end", windowEnd == null ? null : Instant.ofEpochMilli(windowEnd).toString());
    out.put("requests", totals.requests());
    out.put("input_tokens", totals.inputTokens());
    ObjectNode rejected = out.putObject("rejected");
    totals.rejectedByCode().forEach(rejected::put);
    out.put("rejected_total", totals.rejectedTotal());
    out.put("estimated_cost_usd", roundUsd(totals.costUsd()));
    ActualTotals a = totals.actual();
    ObjectNode actual = out.putObject("actual");
    actual.put("reconciled", a.reconciled());
    actual.put("no_response", a.noResponse());
    actual.put("orphans", a.orphans());
    actual.put("input_tokens", a.inputTokens());
    actual.put("cache_read_input_tokens", a.cacheReadTokens());
    actual.put("output_tokens", a.outputTokens());
    actual.put("cost_usd", roundUsd(a.costUsd()));
    actual.put("unpriced", a.unpriced());
    out.put("final", closed);
    return out;
  }

  /** Nano-dollar precision: finer than any price list, and it hides binary rounding noise. */
  static double roundUsd(double usd) {
    return Math.round(usd * 1e9) / 1e9;
  }

  public static byte[] bytes(ObjectNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an ObjectNode", e);
    }
  }
}
