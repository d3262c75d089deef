package dev.tokentally.metrics;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.usage.UsageEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

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

  /**
   * @param knownModels the registry's model ids, always labelled as themselves
   * @param names bounds for function-name labels
   */
  public RequestMetrics(MeterRegistry registry, Collection<String> knownModels, LabelValues names) {
    // Unknown models are user input too; a few keep their label, the rest are "other".
    this.models = new LabelValues(knownModels, 20, 64);
    this.names = names;
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
  }

  /** Meters that go nowhere, for topologies built without an application (tests, tools). */
  public static RequestMetrics discarding() {
    return new RequestMetrics(
        new SimpleMeterRegistry(), List.of(), new LabelValues(List.of(), 0, 8));
  }

  public void accepted(String vendor, String model, String name, long inputTokens, double costUsd) {
    String m = models.of(model);
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
