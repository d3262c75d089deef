package dev.tokentally.topology;

import dev.tokentally.enrich.CountedRequest;

/** What the budget check decided for a counted request. */
public sealed interface BudgetOutcome {
  CountedRequest request();

  /** Within every budget that applies (or none applies): write the enriched record. */
  record Within(CountedRequest request) implements BudgetOutcome {}

  /** Over a budget: write {@code deadLetter}, the {@code budget_exceeded} ErrorResponse. */
  record Exceeded(CountedRequest request, byte[] deadLetter) implements BudgetOutcome {}
}
