package dev.tokentally.reconcile;

import java.util.List;
import java.util.Map;

/**
 * One response's usage, in disjoint buckets: each billed token is in exactly one of them.
 *
 * @param vendor {@code anthropic} or {@code gemini}
 * @param model the model the vendor says answered, or null
 * @param vendorId {@code msg_...} or Gemini's {@code responseId}, or null
 * @param uncachedInput input billed at the base rate (Anthropic {@code input_tokens}; Gemini {@code
 *     promptTokenCount - cachedContentTokenCount})
 * @param cacheRead input read from a cache
 * @param cacheWrite5m input written to a 5-minute cache (Anthropic)
 * @param cacheWrite1h input written to a 1-hour cache (Anthropic)
 * @param toolUsePrompt Gemini's tool results fed back as input; outside the prompt count
 * @param output billed output, thinking included
 * @param thinking the thinking part of {@code output} as reported, or null when not reported
 * @param serverToolRequests e.g. {@code web_search_requests}; unknown kinds kept
 * @param serviceTier {@code standard}, {@code priority}, {@code batch}, Vertex's traffic type, or
 *     null
 * @param vendorTotal the vendor's own total (Gemini {@code totalTokenCount}), or null
 * @param complete false when a stream ended before its final usage
 * @param warnings invariants the vendor's numbers broke (kept, reported, never silently fixed)
 */
public record ActualUsage(
    String vendor,
    String model,
    String vendorId,
    long uncachedInput,
    long cacheRead,
    long cacheWrite5m,
    long cacheWrite1h,
    long toolUsePrompt,
    long output,
    Long thinking,
    Map<String, Long> serverToolRequests,
    String serviceTier,
    Long vendorTotal,
    boolean complete,
    List<String> warnings) {

  public ActualUsage {
    serverToolRequests = Map.copyOf(serverToolRequests);
    warnings = List.copyOf(warnings);
  }

  /** The whole prompt, cached or not: what a local count of the request estimates. */
  public long promptInput() {
    return uncachedInput + cacheRead + cacheWrite5m + cacheWrite1h;
  }

  /** Every input token billed, tool results included. */
  public long billedInput() {
    return promptInput() + toolUsePrompt;
  }
}
