package dev.tokentally.topology;

import dev.tokentally.limits.Budget;
import dev.tokentally.limits.Settlement;
import dev.tokentally.metrics.RequestMetrics;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Replaces a request's reservation with what it took, in every budget of its name, in the window
 * the request was charged in. It shares the budget store and the task with {@link
 * BudgetCheckProcessor}: settlements arrive keyed by name like the checks, so a name's checks and
 * settlements are applied one at a time, in the order the task reads them.
 */
final class SettleBudgetProcessor implements Processor<String, Settlement, Void, Void> {
  private final List<Budget> budgets;
  private final RequestMetrics metrics;
  private final String storeName;
  private final long retentionMs;
  private ProcessorContext<Void, Void> context;
  private WindowStore<String, Long> used;

  SettleBudgetProcessor(
      List<Budget> budgets, RequestMetrics metrics, String storeName, Duration retention) {
    this.budgets = List.copyOf(budgets);
    this.metrics = metrics;
    this.storeName = storeName;
    this.retentionMs = retention.toMillis();
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    this.context = context;
    this.used = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, Settlement> record) {
    Settlement settlement = record.value();
    for (Budget budget : budgets) {
      if (!budget.appliesTo(settlement.name())) {
        continue;
      }
      long delta = settlement.delta(budget.measure());
      long start = budget.windowStart(settlement.requestTimestamp());
      if (delta == 0 || start <= context.currentStreamTimeMs() - retentionMs) {
        continue;
      }
      String key = budget.stateKey(settlement.name());
      Long before = used.fetch(key, start);
      // Never below zero: a budget added after the request was charged holds none of its
      // reservation.
      long after = Math.max(0, (before == null ? 0 : before) + delta);
      used.put(key, after, start);
      if (start == budget.windowStart(context.currentStreamTimeMs())) {
        metrics.budgetUsed(budget.name(), settlement.name(), after, budget.limit());
      }
    }
  }
}
