package dev.tokentally.topology;

import dev.tokentally.config.Durations;
import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.enrich.CountedRequest;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.Rejection;
import dev.tokentally.limits.Budget;
import dev.tokentally.limits.Limits;
import dev.tokentally.limits.Spend;
import dev.tokentally.metrics.RequestMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Charges each counted request's reservation to the budgets of its function name, held in a window
 * store, and rejects it when it would take any of them over. Input arrives keyed by name, so one
 * task sees every request of a name in order and the decision is exact. A rejected request is not
 * charged. Output is keyed by the input record's original key again. {@link SettleBudgetProcessor},
 * in the same task, later replaces each reservation with what the vendor billed.
 */
public final class BudgetCheckProcessor
    implements Processor<String, CountedRequest, byte[], BudgetOutcome> {
  private final List<Budget> budgets;
  private final RequestMetrics metrics;
  private final String storeName;
  private final long retentionMs;
  private ProcessorContext<byte[], BudgetOutcome> context;
  private WindowStore<String, Long> used;

  public BudgetCheckProcessor(
      List<Budget> budgets, RequestMetrics metrics, String storeName, Duration retention) {
    this.budgets = List.copyOf(budgets);
    this.metrics = metrics;
    this.storeName = storeName;
    this.retentionMs = retention.toMillis();
  }

  /** Retention of the budget store: two of the longest windows, at least an hour. */
  public static Duration retention(Limits limits) {
    Duration twice = limits.longestBudgetWindow().multipliedBy(2);
    return twice.compareTo(Duration.ofHours(1)) < 0 ? Duration.ofHours(1) : twice;
  }

  @Override
  public void init(ProcessorContext<byte[], BudgetOutcome> context) {
    this.context = context;
    this.used = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, CountedRequest> record) {
    CountedRequest request = record.value();
    long timestamp = record.timestamp();
    List<Charge> charges = new ArrayList<>();
    for (Budget budget : budgets) {
      if (!budget.appliesTo(request.name())) {
        continue;
      }
      long start = budget.windowStart(timestamp);
      if (start <= context.currentStreamTimeMs() - retentionMs) {
        // So late that its window left the store: nothing to charge it against any more.
        continue;
      }
      String key = budget.stateKey(request.name());
      Long before = used.fetch(key, start);
      long spent = before == null ? 0 : before;
      long needs = request.reservation().in(budget.measure());
      if (spent + needs > budget.limit()) {
        metrics.budgetUsed(budget.name(), request.name(), spent, budget.limit());
        forwardExceeded(record, budget, start, spent, needs);
        return;
      }
      charges.add(new Charge(budget, key, start, spent + needs));
    }
    for (Charge charge : charges) {
      used.put(charge.key(), charge.total(), charge.windowStart());
      metrics.budgetUsed(
          charge.budget().name(), request.name(), charge.total(), charge.budget().limit());
    }
    context.forward(record.withKey(request.key()).withValue(new BudgetOutcome.Within(request)));
  }

  private record Charge(Budget budget, String key, long windowStart, long total) {}

  private void forwardExceeded(
      Record<String, CountedRequest> record,
      Budget budget,
      long windowStart,
      long spent,
      long needs) {
    CountedRequest request = record.value();
    Budget.Measure measure = budget.measure();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("name", request.name());
    details.put("budget", budget.name());
    details.put("counts", measure.wire());
    if (measure == Budget.Measure.USD) {
      details.put("budget_usd", Spend.usd(budget.limit()));
      details.put("used_usd", Spend.usd(spent));
      details.put("request_usd", Spend.usd(needs));
    } else {
      details.put("budget_tokens", budget.limit());
      details.put("used_tokens", spent);
      details.put("request_tokens", needs);
    }
    details.put("window", Durations.label(budget.window()));
    details.put("window_start", Instant.ofEpochMilli(windowStart).toString());
    details.put("input_tokens", request.inputTokens());
    if (measure.countsOutput()) {
      details.put("reserved_output_tokens", request.reservation().outputTokens());
    }
    Rejection rejection =
        new Rejection(
            ErrorCode.BUDGET_EXCEEDED,
            "\""
                + request.name()
                + "\" has used "
                + Spend.label(measure, spent)
                + " of its "
                + budget.limitLabel()
                + " per "
                + Durations.label(budget.window())
                + "; this request needs "
                + Spend.label(measure, needs),
            details);
    byte[] deadLetter =
        ErrorResponse.build(
            rejection,
            request.source(),
            new ErrorResponse.RequestContext(
                request.modelRequested(), request.name(), request.spanId()),
            request.payload());
    Headers headers = record.headers();
    ErrorResponse.setCodeHeader(headers, ErrorCode.BUDGET_EXCEEDED);
    context.forward(
        record
            .withKey(request.key())
            .withValue(new BudgetOutcome.Exceeded(request, deadLetter))
            .withHeaders(headers));
  }
}
