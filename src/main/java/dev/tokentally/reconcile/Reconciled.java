package dev.tokentally.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The record that joins one request's estimate with what the vendor billed for it: {@code
 * reconciled} when both are there, {@code no_response} when the response never came, {@code orphan}
 * for a response without a request.
 */
public final class Reconciled {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What tokentally estimated when it accepted the request. */
  public record Estimate(String model, String name, long inputTokens, String countMethod) {}

  public enum Status {
    RECONCILED,
    NO_RESPONSE,
    ORPHAN;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private Reconciled() {}

  /**
   * @param estimate null for an orphan
   * @param usage null for no response
   * @param cost null for no response
   */
  public static ObjectNode record(Estimate estimate, ActualUsage usage, Cost cost) {
    if (estimate == null && usage == null) {
      throw new IllegalArgumentException("a reconciled record needs an estimate or a usage");
    }
    Status status =
        estimate == null ? Status.ORPHAN : usage == null ? Status.NO_RESPONSE : Status.RECONCILED;
    ObjectNode out = MAPPER.createObjectNode();
    out.put("status", status.wire());
    out.put("model", estimate != null ? estimate.model() : usage.model());
    out.put("name", estimate != null ? estimate.name() : null);
    if (estimate != null) {
      out.put("estimated_input_tokens", estimate.inputTokens());
      out.put("count_method", estimate.countMethod());
    }
    if (usage == null) {
      return out;
    }
    out.put("actual_input_tokens", usage.promptInput());
    out.put("actual_output_tokens", usage.output());
    ObjectNode buckets = out.putObject("actual");
    buckets.put("uncached_input_tokens", usage.uncachedInput());
    buckets.put("cache_read_input_tokens", usage.cacheRead());
    buckets.put("cache_write_5m_input_tokens", usage.cacheWrite5m());
    buckets.put("cache_write_1h_input_tokens", usage.cacheWrite1h());
    buckets.put("tool_use_prompt_tokens", usage.toolUsePrompt());
    buckets.put("output_tokens", usage.output());
    if (usage.thinking() != null) {
      buckets.put("thinking_tokens", usage.thinking());
    }
    ObjectNode tools = buckets.putObject("server_tool_requests");
    usage.serverToolRequests().forEach(tools::put);
    out.put("vendor", usage.vendor());
    out.put("vendor_id", usage.vendorId());
    out.put("service_tier", usage.serviceTier());
    out.put("usage_complete", usage.complete());
    if (cost.usd() != null) {
      out.put("actual_cost_usd", cost.usd());
      ObjectNode byBucket = out.putObject("actual_cost_by_bucket");
      cost.byBucket().forEach(byBucket::put);
    } else {
      out.putNull("actual_cost_usd");
      out.put("actual_cost_unknown", cost.reason());
    }
    if (estimate != null) {
      // Server tools add input the request never held, so such a pair says nothing about the
      // count; the error is reported, marked, and left out of calibration.
      boolean comparable =
          usage.complete()
              && usage.toolUsePrompt() == 0
              && usage.serverToolRequests().values().stream().allMatch(n -> n == 0);
      out.put("estimate_comparable", comparable);
      if (usage.promptInput() > 0) {
        out.put(
            "estimate_error_pct",
            Math.round(
                    1000.0 * (estimate.inputTokens() - usage.promptInput()) / usage.promptInput())
                / 10.0);
      } else {
        out.putNull("estimate_error_pct");
      }
    }
    if (!usage.warnings().isEmpty()) {
      usage.warnings().forEach(out.putArray("warnings")::add);
    }
    return out;
  }
}
