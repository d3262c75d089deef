package dev.tokentally.topology;

import dev.tokentally.calibration.CalibrationSettings;
import dev.tokentally.calibration.LiveCorrections;
import dev.tokentally.enrich.Assessment;
import dev.tokentally.enrich.CountedRequest;
import dev.tokentally.enrich.CountedRequestSerde;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.limits.Limits;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.reconcile.ReconcileSettings;
import dev.tokentally.usage.UsageDimension;
import dev.tokentally.usage.UsageEvent;
import dev.tokentally.usage.UsagePartial;
import dev.tokentally.usage.UsageSerdes;
import dev.tokentally.usage.UsageSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The stream processor, built as a pure function of its settings; {@code main}, the tests and the
 * benchmark reach it through {@code app.Wiring}, so they run the same topology. {@code
 * topology/README.md} documents every topic, processor and store.
 *
 * <ol>
 *   <li>{@code requests} is read as raw bytes, so no value can fail deserialisation.
 *   <li>Each record is assessed: size, parse, count, context window, request caps. Rejections go to
 *       {@code deadLetter} with their original key.
 *   <li>Counted requests are re-keyed by function name and repartitioned, so one task holds each
 *       name's budget state and sees its requests in order; over-budget ones go to {@code
 *       deadLetter}, the rest to {@code enriched}, both with the original key restored.
 *   <li>Every outcome adds a usage event; usage is aggregated per model, per name and per name x
 *       model in tumbling windows and all-time, and written to the usage topics.
 * </ol>
 *
 * Counting happens before the repartition on purpose: it is the expensive step, and it stays spread
 * over the input partitions even when one function name dominates the traffic.
 */
public final class TokentallyTopology {
  private TokentallyTopology() {}

  public static Topology build(
      Topics topics,
      UsageSettings usage,
      ReconcileSettings reconcile,
      CalibrationSettings calibration,
      LiveCorrections corrections,
      RequestAssessor assessor,
      RequestMetrics metrics,
      Properties props) {
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    Serde<byte[]> bytes = Serdes.ByteArray();
    Limits limits = assessor.limits();

    Map<String, KStream<byte[], Assessment>> assessed =
        builder.stream(topics.requests(), Consumed.with(bytes, bytes).withName(Names.READ_REQUESTS))
            .processValues(
                () -> new AssessRequestProcessor(assessor, metrics), Named.as(Names.ASSESS_REQUEST))
            .split(Named.as(Names.ROUTE))
            .branch((key, a) -> a instanceof Assessment.Counted, Branched.as(Names.COUNTED))
            .defaultBranch(Branched.as(Names.REJECTED));

    KStream<byte[], Assessment> rejected =
        assessed
            .get(Names.ROUTE + Names.REJECTED)
            .peek(
                (key, a) -> meter(metrics, (Assessment.Rejected) a),
                Named.as(Names.METER_REJECTED));
    rejected
        .mapValues(a -> ((Assessment.Rejected) a).value(), Named.as(Names.REJECTED_JSON))
        .to(topics.deadLetter(), Produced.with(bytes, bytes).withName(Names.WRITE_REJECTED));
    KStream<byte[], UsageEvent> rejectedUsage =
        rejected.mapValues(a -> ((Assessment.Rejected) a).usage(), Named.as(Names.REJECTED_USAGE));

    Duration budgetRetention = BudgetCheckProcessor.retention(limits);
    builder.addStateStore(
        Stores.windowStoreBuilder(
                Stores.persistentWindowStore(
                    Names.BUDGET_STORE, budgetRetention, budgetRetention.dividedBy(2), false),
                Serdes.String(),
                Serdes.Long())
            // Reads and writes of a busy name stay in memory; the store and its changelog get the
            // latest value once per commit instead of once per request.
            .withCachingEnabled());
    // A request that no budget applies to needs no trip to a budget owner: it is written here, in
    // the sub-topology that read it, so its payload crosses the broker once and it reaches the
    // enriched topic one commit after it was read.
    Map<String, KStream<byte[], Assessment>> owners =
        assessed
            .get(Names.ROUTE + Names.COUNTED)
            .split(Named.as(Names.OWNER))
            .branch(
                (key, a) -> limits.budgeted(((Assessment.Counted) a).request().name()),
                Branched.as(Names.BUDGETED))
            .defaultBranch(Branched.as(Names.UNBUDGETED));
    KStream<byte[], CountedRequest> unbudgeted =
        owners
            .get(Names.OWNER + Names.UNBUDGETED)
            .mapValues(a -> ((Assessment.Counted) a).request(), Named.as(Names.UNBUDGETED_REQUEST))
            .peek((key, r) -> meterAccepted(metrics, r), Named.as(Names.METER_UNBUDGETED));
    unbudgeted
        .mapValues(CountedRequest::enriched, Named.as(Names.UNBUDGETED_JSON))
        .to(topics.enriched(), Produced.with(bytes, bytes).withName(Names.WRITE_UNBUDGETED));
    KStream<byte[], UsageEvent> unbudgetedUsage =
        unbudgeted.mapValues(CountedRequest::acceptedUsage, Named.as(Names.UNBUDGETED_USAGE));

    KStream<byte[], BudgetOutcome> checked =
        owners
            .get(Names.OWNER + Names.BUDGETED)
            .map(
                (key, a) -> {
                  CountedRequest request = ((Assessment.Counted) a).request();
                  return KeyValue.pair(routingKey(request), request);
                },
                Named.as(Names.KEY_BY_NAME))
            .repartition(
                Repartitioned.with(Serdes.String(), CountedRequestSerde.serde())
                    .withName(Names.REQUESTS_BY_NAME))
            .process(
                () ->
                    new BudgetCheckProcessor(
                        limits.budgets(), metrics, Names.BUDGET_STORE, budgetRetention),
                Named.as(Names.CHECK_BUDGET),
                Names.BUDGET_STORE)
            .peek((key, outcome) -> meter(metrics, outcome), Named.as(Names.METER_CHECKED));

    Map<String, KStream<byte[], BudgetOutcome>> decided =
        checked
            .split(Named.as(Names.BUDGET))
            .branch((key, o) -> o instanceof BudgetOutcome.Within, Branched.as(Names.WITHIN))
            .defaultBranch(Branched.as(Names.EXCEEDED));
    KStream<byte[], BudgetOutcome> within = decided.get(Names.BUDGET + Names.WITHIN);
    within
        .mapValues(o -> o.request().enriched(), Named.as(Names.ENRICHED_JSON))
        .to(topics.enriched(), Produced.with(bytes, bytes).withName(Names.WRITE_ENRICHED));
    decided
        .get(Names.BUDGET + Names.EXCEEDED)
        .mapValues(o -> ((BudgetOutcome.Exceeded) o).deadLetter(), Named.as(Names.OVER_BUDGET_JSON))
        .to(topics.deadLetter(), Produced.with(bytes, bytes).withName(Names.WRITE_OVER_BUDGET));
    KStream<byte[], UsageEvent> checkedUsage =
        checked.mapValues(TokentallyTopology::usageOf, Named.as(Names.CHECKED_USAGE));

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(Names.USAGE_COMBINER),
                Serdes.String(),
                UsageSerdes.partial())
            .withCachingEnabled());
    KStream<byte[], UsageEvent> allUsage =
        rejectedUsage
            .merge(unbudgetedUsage, Named.as(Names.FIRST_USAGE))
            .merge(checkedUsage, Named.as(Names.USAGE));
    if (reconcile.enabled()) {
      KStream<byte[], UsageEvent> actualUsage =
          Reconciliation.addTo(
              builder,
              topics,
              reconcile,
              assessor,
              metrics,
              unbudgeted,
              within,
              limits,
              budgetRetention,
              new Reconciliation.Calibration(calibration, corrections));
      allUsage = allUsage.merge(actualUsage, Named.as(Names.ACTUAL_USAGE));
    }
    KStream<String, UsagePartial> partials =
        allUsage
            .process(
                () -> new CombineUsageProcessor(usage, Names.USAGE_COMBINER),
                Named.as(Names.COMBINE_USAGE),
                Names.USAGE_COMBINER)
            .repartition(
                Repartitioned.with(Serdes.String(), UsageSerdes.partial())
                    .withName(UsageDimension.PARTIALS_TOPIC));
    UsageAggregations.addTo(
        partials,
        Map.of(
            UsageDimension.MODEL, topics.usageByModel(),
            UsageDimension.NAME, topics.usageByName(),
            UsageDimension.NAME_MODEL, topics.usageByNameModel()),
        usage);
    return builder.build(props);
  }

  /**
   * A budgeted request goes to its name's partition, where one task holds the name's budget state.
   * Unnamed requests have no budget and never take this path; the fallback keeps such a request
   * spread by source offset should one ever arrive.
   */
  static String routingKey(CountedRequest request) {
    if (request.name() != null) {
      return routingKey(request.name());
    }
    return "none:" + request.source().partition() + ":" + request.source().offset();
  }

  /** The key that sends a budget check or settlement to the task holding its name's budgets. */
  static String routingKey(String name) {
    return "name:" + name;
  }

  private static void meter(RequestMetrics metrics, Assessment.Rejected r) {
    metrics.rejected(r.code(), r.vendor(), r.usage().model(), r.usage().name(), r.inputTokens());
  }

  private static void meterAccepted(RequestMetrics metrics, CountedRequest r) {
    metrics.accepted(
        r.vendor(),
        r.model(),
        r.name(),
        r.inputTokens(),
        r.costUsd(),
        r.countMethod(),
        r.countErrorPct());
  }

  private static void meter(RequestMetrics metrics, BudgetOutcome outcome) {
    CountedRequest r = outcome.request();
    if (outcome instanceof BudgetOutcome.Within) {
      meterAccepted(metrics, r);
    } else {
      metrics.rejected(ErrorCode.BUDGET_EXCEEDED, r.vendor(), r.model(), r.name(), r.inputTokens());
    }
  }

  private static UsageEvent usageOf(BudgetOutcome outcome) {
    CountedRequest request = outcome.request();
    return outcome instanceof BudgetOutcome.Within
        ? request.acceptedUsage()
        : UsageEvent.rejected(request.model(), request.name(), ErrorCode.BUDGET_EXCEEDED);
  }
}
