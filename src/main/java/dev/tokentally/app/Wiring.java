package dev.tokentally.app;

import dev.tokentally.calibration.LiveCorrections;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.topology.TokentallyTopology;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Properties;
import org.apache.kafka.streams.Topology;

/**
 * From a loaded configuration to the parts that run: counting, the per-record assessor, meters,
 * Streams properties and the topology. {@code main}, every test harness and the benchmark build
 * these through this one object, so what is tested is what runs.
 */
public final class Wiring {
  private final AppConfig config;
  private final RequestCounting counting;
  private final RequestAssessor assessor;
  private final RequestMetrics metrics;
  private final LiveCorrections corrections;

  private Wiring(AppConfig config, RequestCounting counting, MeterRegistry registry) {
    this.config = config;
    // Each wiring has its own corrections: tests share a loaded counting between wirings, never
    // what one of them learned.
    this.corrections = new LiveCorrections(config.calibration().apply());
    this.counting = counting.withCorrections(corrections.source());
    this.assessor = new RequestAssessor(this.counting, config.limits(), config.requestMaxBytes());
    this.metrics =
        new RequestMetrics(
            registry,
            counting.counter().registry().models().stream().map(ModelSpec::id).toList(),
            config.metrics().names());
  }

  /** The production parts, with meters on {@code registry}. */
  public static Wiring of(AppConfig config, MeterRegistry registry) {
    return new Wiring(config, RequestCounting.of(config.counting()), registry);
  }

  /** The production parts with meters that go nowhere (tests, tools). */
  public static Wiring of(AppConfig config) {
    return of(config, new SimpleMeterRegistry());
  }

  /**
   * The same parts around an already loaded counting, which tests share between harnesses because
   * loading a registry and vocabularies takes a while; everything else follows {@code config}.
   */
  public static Wiring sharing(RequestCounting counting, AppConfig config, MeterRegistry registry) {
    return new Wiring(config, counting, registry);
  }

  public AppConfig config() {
    return config;
  }

  public RequestCounting counting() {
    return counting;
  }

  public RequestAssessor assessor() {
    return assessor;
  }

  public RequestMetrics metrics() {
    return metrics;
  }

  /** The Streams properties for a cluster, handlers and meters included. */
  public Properties streamsProperties(String bootstrapServers) {
    Properties props = StreamsProperties.of(config, bootstrapServers);
    props.put(RequestMetrics.CONFIG_KEY, metrics);
    return props;
  }

  /**
   * Creates the topics that are missing and checks those that exist, as {@code main} does before it
   * starts Streams; {@code streamsProperties} may gain settings it needs.
   */
  public void prepareTopics(Properties streamsProperties) {
    TopicBootstrap.prepare(streamsProperties, config);
  }

  /** The topology, built with the given {@link #streamsProperties} as {@code main} builds it. */
  public Topology topology(Properties streamsProperties) {
    return TokentallyTopology.build(
        config.topics(),
        config.usage(),
        config.reconcile(),
        config.calibration(),
        corrections,
        assessor,
        metrics,
        streamsProperties);
  }
}
