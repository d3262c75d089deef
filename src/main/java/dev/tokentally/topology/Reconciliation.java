package dev.tokentally.topology;

import dev.tokentally.calibration.CalibrationLearner;
import dev.tokentally.calibration.CalibrationSample;
import dev.tokentally.calibration.CalibrationSettings;
import dev.tokentally.calibration.LearnerStateSerde;
import dev.tokentally.calibration.LiveCorrections;
import dev.tokentally.enrich.CountedRequest;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.limits.Limits;
import dev.tokentally.limits.Settlement;
import dev.tokentally.limits.Spend;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.models.ModelRegistry;
import dev.tokentally.reconcile.JoinEntry;
import dev.tokentally.reconcile.JoinEntrySerde;
import dev.tokentally.reconcile.Joined;
import dev.tokentally.reconcile.ReconcileSettings;
import dev.tokentally.usage.UsageEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The reconciliation part of the topology: responses are read beside the requests (the topics are
 * co-partitioned, so no repartition), accepted requests bring their estimate, and one processor per
 * input partition joins the two by key. Unbudgeted requests are already in the right task; budgeted
 * ones were decided in their name's task and are sent back to the partition they were read from. A
 * request without a key has nothing to join by and is not reconciled.
 */
final class Reconciliation {
  private Reconciliation() {}

  /** How calibration is learned, and where the corrections read back from its topic go. */
  record Calibration(CalibrationSettings settings, LiveCorrections live) {}

  /**
   * Adds the join and its output topic, and, when there are budgets, the settlements that replace
   * each budgeted request's reservation with what it took, sent to its name's budget task. Returns
   * the actual usage the join adds to the aggregates.
   */
  static KStream<byte[], UsageEvent> addTo(
      StreamsBuilder builder,
      Topics topics,
      ReconcileSettings settings,
      RequestAssessor assessor,
      RequestMetrics metrics,
      KStream<byte[], CountedRequest> unbudgeted,
      KStream<byte[], BudgetOutcome> budgeted,
      Limits budgets,
      Duration budgetRetention,
      Calibration calibration) {
    Serde<byte[]> bytes = Serdes.ByteArray();
    Map<String, KStream<byte[], ResponseRead>> read =
        builder.stream(
                topics.responses(), Consumed.with(bytes, bytes).withName(Names.READ_RESPONSES))
            .processValues(
                () -> new ReadResponseProcessor(assessor.maxBytes(), metrics),
                Named.as(Names.READ_RESPONSE))
            .split(Named.as(Names.RESPONSE))
            .branch((key, r) -> r instanceof ResponseRead.Joinable, Branched.as(Names.JOINABLE))
            .defaultBranch(Branched.as(Names.REJECTED));
    read.get(Names.RESPONSE + Names.REJECTED)
        .mapValues(r -> ((ResponseRead.Refused) r).deadLetter(), Named.as(Names.BAD_RESPONSE_JSON))
        .to(topics.deadLetter(), Produced.with(bytes, bytes).withName(Names.WRITE_BAD_RESPONSE));
    KStream<byte[], JoinEntry> responses =
        read.get(Names.RESPONSE + Names.JOINABLE)
            .mapValues(
                r -> (JoinEntry) ((ResponseRead.Joinable) r).response(),
                Named.as(Names.RESPONSE_ENTRY));

    KStream<byte[], JoinEntry> direct =
        unbudgeted.flatMapValues(
            (key, r) -> key == null ? List.of() : List.of(estimate(r, null)),
            Named.as(Names.UNBUDGETED_ESTIMATE));
    KStream<byte[], JoinEntry> returned =
        budgeted
            .flatMapValues(
                (key, o) ->
                    key == null
                        ? List.of()
                        : List.of(estimate(o.request(), o.request().reservation())),
                Named.as(Names.BUDGETED_ESTIMATE))
            .repartition(
                Repartitioned.with(bytes, JoinEntrySerde.serde())
                    .withName(Names.ACCEPTED_BY_KEY)
                    .withStreamPartitioner(
                        (topic, key, entry, partitions) ->
                            Optional.of(
                                Set.of(((JoinEntry.Request) entry).partition() % partitions))));

    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(Names.RECONCILE_PENDING),
                Serdes.Bytes(),
                JoinEntrySerde.serde())
            // No record cache: a cached entry keeps the context of the record that wrote it, raw
            // source value included, and these stores have one entry per request, so a cache of
            // 10 MB by its own estimate pinned 250 MB of requests on the heap in the benchmark.
            .withCachingDisabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(Names.RECONCILE_DEADLINES),
                Serdes.Bytes(),
                Serdes.ByteArray())
            .withCachingDisabled());
    ModelRegistry registry = assessor.counting().counter().registry();
    KStream<byte[], Joined> joined =
        direct
            .merge(returned, Named.as(Names.ESTIMATES))
            .merge(responses, Named.as(Names.JOIN_INPUT))
            .process(
                () -> new ReconcileProcessor(registry, metrics, settings.closeAfter()),
                Named.as(Names.RECONCILE),
                Names.RECONCILE_PENDING,
                Names.RECONCILE_DEADLINES)
            .peek((key, j) -> meter(metrics, j), Named.as(Names.METER_RECONCILED));
    joined
        .mapValues(Joined::value, Named.as(Names.RECONCILED_JSON))
        .to(topics.reconciled(), Produced.with(bytes, bytes).withName(Names.WRITE_RECONCILED));
    // Present with or without budgets, so adding one changes no sub-topology or task.
    joined
        .flatMap(
            (key, j) -> {
              Settlement s = j.settlement();
              return s == null
                  ? List.of()
                  : List.of(KeyValue.pair(TokentallyTopology.routingKey(s.name()), s));
            },
            Named.as(Names.SETTLEMENT))
        .repartition(
            Repartitioned.with(Serdes.String(), JsonSerde.of(Settlement.class))
                .withName(Names.SETTLEMENTS_BY_NAME))
        .process(
            () ->
                new SettleBudgetProcessor(
                    budgets.budgets(), metrics, Names.BUDGET_STORE, budgetRetention),
            Named.as(Names.SETTLE_BUDGET),
            Names.BUDGET_STORE);
    learnCalibration(builder, topics, calibration, metrics, joined);
    return joined.flatMapValues(
        j -> j.usage() == null ? List.of() : List.of(j.usage()), Named.as(Names.RECONCILED_USAGE));
  }

  /**
   * Samples of comparable pairs go to one task per family, which learns its correction and
   * publishes each version to the compacted calibration topic; every instance reads that topic back
   * as a global store into the corrections its counting uses.
   */
  private static void learnCalibration(
      StreamsBuilder builder,
      Topics topics,
      Calibration calibration,
      RequestMetrics metrics,
      KStream<byte[], Joined> joined) {
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(Names.CALIBRATION_LEARNER),
                Serdes.String(),
                LearnerStateSerde.serde(calibration.settings()))
            // One entry per family, written with every pair: the cache sends the store and its
            // changelog the latest state once per commit instead.
            .withCachingEnabled());
    CalibrationLearner learner = new CalibrationLearner(calibration.settings());
    joined
        .flatMap(
            (key, j) -> {
              CalibrationSample s = j.calibrationSample();
              // Pairs the learner would skip do not cross the broker.
              return s == null || !learner.learnsFrom(s)
                  ? List.of()
                  : List.of(KeyValue.pair(s.family(), s));
            },
            Named.as(Names.CALIBRATION_SAMPLE))
        .repartition(
            Repartitioned.with(Serdes.String(), JsonSerde.of(CalibrationSample.class))
                .withName(Names.CALIBRATION_SAMPLES))
        .process(
            () -> new LearnCalibrationProcessor(learner, calibration.settings()),
            Named.as(Names.LEARN_CALIBRATION),
            Names.CALIBRATION_LEARNER)
        .to(
            topics.calibration(),
            Produced.with(Serdes.String(), Serdes.ByteArray()).withName(Names.WRITE_CALIBRATION));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(Names.CALIBRATION_LIVE),
                Serdes.String(),
                Serdes.ByteArray())
            .withLoggingDisabled(),
        topics.calibration(),
        Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(Names.READ_CALIBRATION),
        () -> new ReadCalibrationProcessor(calibration.live(), metrics));
  }

  /**
   * @param reserved what the budget check charged, or null when no budget applied
   */
  private static JoinEntry estimate(CountedRequest r, Spend reserved) {
    return new JoinEntry.Request(
        r.source().partition(),
        r.model(),
        r.name(),
        r.vendor(),
        r.family(),
        r.inputTokens(),
        r.countMethod(),
        r.source().timestamp(),
        Double.isNaN(r.costUsd()) ? null : r.costUsd(),
        r.uncorrectedTokens(),
        r.textTokens(),
        reserved);
  }

  private static void meter(RequestMetrics metrics, Joined j) {
    var actual = j.response() == null ? null : j.response().usage();
    var cost = j.result().cost();
    metrics.reconciled(
        j.result().status().wire(),
        j.model(),
        j.request() == null ? null : j.request().name(),
        j.request() == null ? null : j.request().family(),
        j.request() == null ? null : j.request().countMethod(),
        j.result().comparable() ? j.result().errorPct() : null,
        actual == null ? 0 : actual.promptInput(),
        actual == null ? 0 : actual.output(),
        actual == null ? 0 : actual.cacheRead(),
        cost == null ? null : cost.usd());
  }
}
