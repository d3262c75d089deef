package dev.tokentally.reconcile;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.tokentally.limits.Spend;

/**
 * What the reconciliation store holds for one request key: the side that arrived first while it
 * waits for the other, or a marker that the key was reconciled, kept for the grace so a repeated
 * response is recognised and never charged twice.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "t")
@JsonSubTypes({
  @JsonSubTypes.Type(value = JoinEntry.Request.class, name = "request"),
  @JsonSubTypes.Type(value = JoinEntry.Response.class, name = "response"),
  @JsonSubTypes.Type(value = JoinEntry.Done.class, name = "done")
})
public sealed interface JoinEntry {
  /** The record time the entry's wait is measured from. */
  long timestamp();

  /**
   * An accepted request's estimate.
   *
   * @param countMethod wire form of the count method, or null from a record written before it was
   *     carried
   * @param partition the input partition the request was read from: a budgeted request is sent back
   *     to it after its budget check, to the task its response goes to
   * @param estimatedCostUsd the estimate's input cost, or null without a price
   * @param uncorrectedTokens the registered model's count before a live correction, or null from an
   *     entry written before it was carried
   * @param textTokens the part of it from text terms, or null likewise
   * @param reserved what the budget check charged the request's name, or null when no budget
   *     applied (or the entry was written before budgets settled)
   */
  record Request(
      int partition,
      String model,
      String name,
      String vendor,
      String family,
      long inputTokens,
      String countMethod,
      long timestamp,
      Double estimatedCostUsd,
      Long uncorrectedTokens,
      Double textTokens,
      Spend reserved)
      implements JoinEntry {
    public Reconciled.Estimate estimate() {
      return new Reconciled.Estimate(model, name, inputTokens, countMethod);
    }
  }

  /** How much a response says about what was billed. */
  enum Reading {
    /** Usage as billed. */
    BILLED,
    /** Nothing was billed: an error status, or a batch line that did not succeed. */
    NOT_BILLED,
    /** The response came but its usage did not (a stream cut before any counts). */
    UNKNOWN
  }

  /**
   * A vendor response, read.
   *
   * @param usage null unless {@code BILLED}
   * @param reason why nothing or nothing known was billed; null when {@code BILLED}
   */
  record Response(Reading reading, ActualUsage usage, boolean batch, String reason, long timestamp)
      implements JoinEntry {
    /** The response as the join sees it, or null for one that is not a response at all. */
    public static Response of(ResponseOutcome outcome, long timestamp) {
      if (outcome instanceof ResponseOutcome.Billed b) {
        return new Response(Reading.BILLED, b.usage(), b.batch(), null, timestamp);
      }
      if (outcome instanceof ResponseOutcome.NotBilled n) {
        return new Response(Reading.NOT_BILLED, null, false, n.reason(), timestamp);
      }
      if (outcome instanceof ResponseOutcome.UsageUnknown u) {
        return new Response(Reading.UNKNOWN, null, false, u.reason(), timestamp);
      }
      return null;
    }
  }

  /** The key was reconciled at {@code timestamp}. */
  record Done(long timestamp) implements JoinEntry {}
}
