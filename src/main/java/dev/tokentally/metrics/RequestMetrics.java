package dev.tokentally.metrics;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.usage.UsageEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * tokentally's own meters: what happened to each request, the tokens it carried, and how long
 * counting took. Model and function-name labels go through {@link LabelValues}, so a producer that
 * invents names cannot grow the number of series without bound.
 *
 * <p>These are operational figures. Under exactly-once a task that is retried after a crash
 * processes some records twice, and so counts them twice here; the usage topics and the usage
 * queries are the exact figures.
 */
public final class RequestMetrics {
  /** Streams config key under which the handlers find this instance. */
  public static final String CONFIG_KEY = "tokentally.metrics.instance";

  public static final String ACCEPTED = "accepted";
  public static final String REJECTED = "rejected";
  private static final String NO_CODE = "none";

  private final LabelValues models;
  private final LabelValues names;
  private final MeterProvider<Counter> tokens;
  private final MeterProvider<Counter> requests;
  private final MeterProvider<Counter> deadLetters;
  private final MeterProvider<Counter> nameTokens;
  private final MeterProvider<Counter> nameRequests;
  private final MeterProvider<Counter> cost;
  private final MeterProvider<Timer> countDuration;
  private final MeterProvider<Counter> reconciled;
  private final Counter duplicateResponses;
  private final MeterProvider<Counter> actualTokens;
  private final MeterProvider<Counter> actualCost;
  private final MeterProvider<Counter> nameActualCost;
  private final MeterProvider<DistributionSummary> estimateError;
  private final MeterProvider<Counter> methods;
  private final MeterProvider<DistributionSummary> errorBars;
  private final MeterRegistry registry;
  private final LabelValues families = new LabelValues(List.of(), 20, 64);
  private final Map<String, double[]> corrections = new ConcurrentHashMap<>();
  private final Map<List<String>, double[]> budgets = new ConcurrentHashMap<>();

  /**
   * @param knownModels the registry's model ids, always labelled as themselves
   * @param names bounds for function-name labels
   */
  public RequestMetrics(MeterRegistry registry, Collection<String> knownModels, LabelValues names) {
    // Unknown models are user input too; a few keep their label, the rest are "other".
    this.models = new LabelValues(knownModels, 20, 64);
    this.names = names;
    this.registry = registry;
    this.tokens =
        Counter.builder("tokentally.input.tokens")
            .description("Input tokens counted, by the model's vendor, model and outcome")
            .withRegistry(registry);
    this.requests =
        Counter.builder("tokentally.requests")
            .description("Requests by outcome and error code (code none when accepted)")
            .withRegistry(registry);
    this.deadLetters =
        Counter.builder("tokentally.deadletter.records")
            .description("Records written to the dead-letter topic, by error code")
            .withRegistry(registry);
    this.nameTokens =
        Counter.builder("tokentally.function.input.tokens")
            .description("Input tokens by function name (X-Opper-Name, capped) and outcome")
            .withRegistry(registry);
    this.nameRequests =
        Counter.builder("tokentally.function.requests")
            .description("Requests by function name (X-Opper-Name, capped) and outcome")
            .withRegistry(registry);
    this.cost =
        Counter.builder("tokentally.estimated.cost.usd")
            .description("Estimated input cost of accepted requests in US dollars, by model")
            .withRegistry(registry);
    this.countDuration =
        Timer.builder("tokentally.count.duration")
            .description("Time to parse, count and check one request")
            .serviceLevelObjectives(
                Duration.ofNanos(100_000),
                Duration.ofNanos(250_000),
                Duration.ofNanos(500_000),
                Duration.ofMillis(1),
                Duration.ofMillis(2),
                Duration.ofMillis(5),
                Duration.ofMillis(10),
                Duration.ofMillis(25),
                Duration.ofMillis(50),
                Duration.ofMillis(100),
                Duration.ofMillis(250),
                Duration.ofMillis(1000))
            .withRegistry(registry);
    this.reconciled =
        Counter.builder("tokentally.reconciled")
            .description(
                "Reconciled records by status (reconciled, no_response, orphan, duplicate_request)")
            .withRegistry(registry);
    this.duplicateResponses =
        Counter.builder("tokentally.responses.duplicate")
            .description("Responses dropped because their key was already reconciled or waiting")
            .register(registry);
    this.actualTokens =
        Counter.builder("tokentally.actual.tokens")
            .description("Tokens the vendors billed, by model and kind (input, output, cache_read)")
            .withRegistry(registry);
    this.actualCost =
        Counter.builder("tokentally.actual.cost.usd")
            .description("What the vendors' usage costs at the registry's rates, by model")
            .withRegistry(registry);
    this.nameActualCost =
        Counter.builder("tokentally.function.actual.cost.usd")
            .description("Actual cost by function name (X-Opper-Name, capped)")
            .withRegistry(registry);
    this.methods =
        Counter.builder("tokentally.count.method")
            .description("Accepted requests by how their count was made (count_method)")
            .withRegistry(registry);
    this.errorBars =
        DistributionSummary.builder("tokentally.count.error.bar")
            .description("Error bars (count_error_pct) of accepted requests' counts, by method")
            .baseUnit("percent")
            .withRegistry(registry);
    this.estimateError =
        DistributionSummary.builder("tokentally.estimate.error")
            .description(
                "|estimated - billed| / billed input tokens in percent, of comparable pairs, by"
                    + " model family, count method and direction (over, under)")
            .baseUnit("percent")
            .serviceLevelObjectives(0.5, 1, 2, 3, 5, 10, 20, 30, 50, 100, 200)
            .withRegistry(registry);
  }

  /** Meters that go nowhere, for topologies built without an application (tests, tools). */
  public static RequestMetrics discarding() {
    return new RequestMetrics(
        new SimpleMeterRegistry(), List.of(), new LabelValues(List.of(), 0, 8));
  }

  /**
   * @param method the count method's wire form, or null
   * @param errorPct the count's error bar in percent, or NaN when it has none (heuristic)
   */
  public void accepted(
      String vendor,
      String model,
      String name,
      long inputTokens,
      double costUsd,
      String method,
      double errorPct) {
    String m = models.of(model);
    String how = method == null ? "unknown" : method;
    methods.withTags(Tags.of("method", how)).increment();
    if (!Double.isNaN(errorPct)) {
      errorBars.withTags(Tags.of("method", how)).record(errorPct);
    }
    tokens
        .withTags(Tags.of("vendor", vendor(vendor), "model", m, "outcome", ACCEPTED))
        .increment(inputTokens);
    requests.withTags(Tags.of("outcome", ACCEPTED, "code", NO_CODE)).increment();
    Tags named = Tags.of("name", name(name), "outcome", ACCEPTED);
    nameTokens.withTags(named).increment(inputTokens);
    nameRequests.withTags(named).increment();
    if (!Double.isNaN(costUsd) && costUsd > 0) {
      cost.withTags(Tags.of("model", m)).increment(costUsd);
    }
  }

  /**
   * @param inputTokens the request's count when it was counted before being refused, else -1
   */
  public void rejected(ErrorCode code, String vendor, String model, String name, long inputTokens) {
    requests.withTags(Tags.of("outcome", REJECTED, "code", code.code())).increment();
    deadLetters.withTags(Tags.of("code", code.code())).increment();
    Tags named = Tags.of("name", name(name), "outcome", REJECTED);
    nameRequests.withTags(named).increment();
    if (inputTokens >= 0) {
      tokens
          .withTags(
              Tags.of("vendor", vendor(vendor), "model", models.of(model), "outcome", REJECTED))
          .increment(inputTokens);
      nameTokens.withTags(named).increment(inputTokens);
    }
  }

  /** A record the processing exception handler sent to the dead-letter topic. */
  public void failed() {
    requests
        .withTags(Tags.of("outcome", REJECTED, "code", ErrorCode.INTERNAL_ERROR.code()))
        .increment();
    deadLetters.withTags(Tags.of("code", ErrorCode.INTERNAL_ERROR.code())).increment();
  }

  /** A dead-lettered record from the responses topic. */
  public void responseRejected(ErrorCode code) {
    deadLetters.withTags(Tags.of("code", code.code())).increment();
  }

  public void duplicateResponse() {
    duplicateResponses.increment();
  }

  /**
   * One reconciled record.
   *
   * @param status its wire status
   * @param family the model family of the estimate, or null for an orphan
   * @param method the estimate's count method, or null
   * @param errorPct the estimate's signed error in percent when the pair is comparable, else null
   * @param inputTokens billed input tokens, 0 when unknown
   * @param costUsd actual cost, or null when unknown
   */
  public void reconciled(
      String status,
      String model,
      String name,
      String family,
      String method,
      Double errorPct,
      long inputTokens,
      long outputTokens,
      long cacheReadTokens,
      Double costUsd) {
    reconciled.withTags(Tags.of("status", status)).increment();
    String m = models.of(model);
    if (inputTokens > 0) {
      actualTokens.withTags(Tags.of("model", m, "kind", "input")).increment(inputTokens);
    }
    if (outputTokens > 0) {
      actualTokens.withTags(Tags.of("model", m, "kind", "output")).increment(outputTokens);
    }
    if (cacheReadTokens > 0) {
      actualTokens.withTags(Tags.of("model", m, "kind", "cache_read")).increment(cacheReadTokens);
    }
    if (costUsd != null && costUsd > 0) {
      actualCost.withTags(Tags.of("model", m)).increment(costUsd);
      nameActualCost.withTags(Tags.of("name", name(name))).increment(costUsd);
    }
    if (errorPct != null && family != null) {
      estimateError
          .withTags(
              Tags.of(
                  "family",
                  family,
                  "method",
                  method == null ? "unknown" : method,
                  "direction",
                  errorPct >= 0 ? "over" : "under"))
          .record(Math.abs(errorPct));
    }
  }

  /**
   * The live correction of a family's text model as this instance last read it: its text factor,
   * its error bar (95th percentile of out-of-sample errors, percent), the pairs it was learned from
   * and its version.
   */
  public void correction(String family, long version, double factor, double errorPct, int pairs) {
    String f = families.of(family);
    double[] values =
        corrections.computeIfAbsent(
            f,
            key -> {
              double[] v = new double[4];
              Tags tags = Tags.of("family", key);
              gauge("tokentally.calibration.text.factor", "Live text factor", tags, v, 0);
              gauge(
                  "tokentally.calibration.error.percent",
                  "Error bar of live-corrected counts: p95 of out-of-sample errors",
                  tags,
                  v,
                  1);
              gauge(
                  "tokentally.calibration.pairs",
                  "Pairs the correction is learned from",
                  tags,
                  v,
                  2);
              gauge("tokentally.calibration.version", "Version of the correction", tags, v, 3);
              return v;
            });
    values[0] = factor;
    values[1] = errorPct;
    values[2] = pairs;
    values[3] = version;
  }

  /**
   * How much of a budget's current window a function name has used, as this instance last saw it
   * when checking or settling one of the name's requests.
   *
   * @param budget the budget's name as configured ({@code *} for every name)
   */
  public void budgetUsed(String budget, String name, long used, long limit) {
    double[] value =
        budgets.computeIfAbsent(
            List.of(budget, name(name)),
            key -> {
              double[] v = new double[1];
              gauge(
                  "tokentally.budget.used.ratio",
                  "Share of the budget's current window the name has used",
                  Tags.of("budget", key.get(0), "name", key.get(1)),
                  v,
                  0);
              return v;
            });
    value[0] = limit <= 0 ? 0 : (double) used / limit;
  }

  /** A gauge that reads {@code values[i]}, which its caller keeps and updates. */
  private void gauge(String name, String description, Tags tags, double[] values, int i) {
    Gauge.builder(name, values, v -> v[i])
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(registry);
  }

  /**
   * @param source {@code stream} or {@code http}
   */
  public void counted(String source, long nanos) {
    countDuration.withTags(Tags.of("source", source)).record(Duration.ofNanos(nanos));
  }

  private String name(String name) {
    return name == null || name.equals(UsageEvent.UNNAMED) ? UsageEvent.UNNAMED : names.of(name);
  }

  private static String vendor(String vendor) {
    return vendor == null ? "unknown" : vendor;
  }
}
