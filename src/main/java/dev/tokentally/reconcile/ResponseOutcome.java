package dev.tokentally.reconcile;

/** What reading one vendor response gave. */
public sealed interface ResponseOutcome {
  /**
   * @param batch whether it came from a batch result (billed at the batch rates)
   * @param customId the batch line's {@code custom_id}, which the gateway sets to its key, or null
   */
  record Billed(ActualUsage usage, boolean batch, String customId) implements ResponseOutcome {}

  /**
   * The vendor billed nothing: an error status, or a batch line that errored, expired or was
   * canceled.
   */
  record NotBilled(String reason) implements ResponseOutcome {}

  /** A response whose usage never arrived (a stream cut before any counts): unknown, not zero. */
  record UsageUnknown(String reason) implements ResponseOutcome {}

  /** Not a response of any shape tokentally reads. */
  record Unreadable(String reason) implements ResponseOutcome {}
}
