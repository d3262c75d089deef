package dev.tokentally.reconcile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * The record that joins one request's estimate with what the vendor billed for it: {@code
 * reconciled} when both are there, {@code no_response} when the response never came, {@code orphan}
 * for a response without a request, {@code duplicate_request} for a second accepted request with a
 * key already joined or waiting.
 */
public final class Reconciled {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** What tokentally estimated when it accepted the request. */
  public record Estimate(String model, String name, long inputTokens, String countMethod) {}

  public enum Status {
    RECONCILED,
    NO_RESPONSE,
    ORPHAN,
    DUPLICATE_REQUEST;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The record and what it says about the estimate.
   *
   * @param errorPct (estimate - actual) / actual in percent, or null when there is no actual
   * @param comparable whether the pair says something about the count: usage complete, no input the
   *     request never held
   * @param cost null when there was no response
   */
  public record Result(
      Status status, ObjectNode value, Double errorPct, boolean comparable, Cost cost) {}

  private Reconciled() {}

  /**
   * A billed response (or none, or no request).
   *
   * @param estimate null for an orphan
   * @param usage null for no response
   * @param cost null for no response
   */
  public static ObjectNode record(Estimate estimate, ActualUsage usage, Cost cost) {
    if (estimate == null && usage == null) {
      throw new IllegalArgumentException("a reconciled record needs an estimate or a usage");
    }
    JoinEntry.Response response =
        usage == null
            ? null
            : new JoinEntry.Response(JoinEntry.Reading.BILLED, usage, false, null, 0);
    return of(estimate, response, cost).value();
  }

  /** A request whose key was already waiting or joined: it gets no response of its own. */
  public static Result duplicate(Estimate estimate) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("status", Status.DUPLICATE_REQUEST.wire());
    putEstimate(out, estimate);
    return new Result(Status.DUPLICATE_REQUEST, out, null, false, null);
  }

  /**
   * @param estimate null for an orphan
   * @param response null for no response
   * @param cost the response's cost; null for no response
   */
  public static Result of(Estimate estimate, JoinEntry.Response response, Cost cost) {
    if (estimate == null && response == null) {
      throw new IllegalArgumentException("a reconciled record needs an estimate or a response");
    }
    Status status =
        estimate == null
            ? Status.ORPHAN
            : response == null ? Status.NO_RESPONSE : Status.RECONCILED;
    ObjectNode out = MAPPER.createObjectNode();
    out.put("status", status.wire());
    ActualUsage usage = response == null ? null : response.usage();
    if (estimate != null) {
      putEstimate(out, estimate);
    } else {
      out.put("model", usage != null ? usage.model() : null);
      out.putNull("name");
    }
    if (response == null) {
      return new Result(status, out, null, false, null);
    }
    out.put("billed", response.reading() != JoinEntry.Reading.NOT_BILLED);
    out.put("batch", response.batch());
    return switch (response.reading()) {
      case NOT_BILLED -> {
        out.put("not_billed_reason", response.reason());
        out.put("actual_input_tokens", 0);
        out.put("actual_output_tokens", 0);
        out.put("actual_cost_usd", 0.0);
        out.put("estimate_comparable", false);
        yield new Result(status, out, null, false, Cost.zero());
      }
      case UNKNOWN -> {
        out.putNull("actual_input_tokens");
        out.putNull("actual_output_tokens");
        out.put("usage_complete", false);
        out.putNull("actual_cost_usd");
        out.put("actual_cost_unknown", response.reason());
        out.put("estimate_comparable", false);
        Cost unknown = Cost.unknown(response.reason());
        yield new Result(status, out, null, false, unknown);
      }
      case BILLED -> billed(status, out, estimate, usage, cost);
    };
  }

  private static void putEstimate(ObjectNode out, Estimate estimate) {
    out.put("model", estimate.model());
    out.put("name", estimate.name());
    out.put("estimated_input_tokens", estimate.inputTokens());
    out.put("count_method", estimate.countMethod());
  }

  private static Result billed(
      Status status, ObjectNode out, Estimate estimate, ActualUsage usage, Cost cost) {
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
    Double errorPct = null;
    boolean comparable = false;
    if (estimate != null) {
      // Server tools add input the request never held, so such a pair says nothing about the
      // count; the error is reported, marked, and left out of calibration.
      comparable =
          usage.complete()
              && usage.promptInput() > 0
              && usage.toolUsePrompt() == 0
              && usage.serverToolRequests().values().stream().allMatch(n -> n == 0);
      out.put("estimate_comparable", comparable);
      if (usage.promptInput() > 0) {
        errorPct =
            Math.round(
                    1000.0 * (estimate.inputTokens() - usage.promptInput()) / usage.promptInput())
                / 10.0;
        out.put("estimate_error_pct", errorPct);
      } else {
        out.putNull("estimate_error_pct");
      }
    }
    if (!usage.warnings().isEmpty()) {
      usage.warnings().forEach(out.putArray("warnings")::add);
    }
    return new Result(status, out, errorPct, comparable, cost);
  }
}
