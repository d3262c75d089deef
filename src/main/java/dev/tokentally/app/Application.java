package dev.tokentally.app;

import dev.tokentally.broker.EmbeddedBroker;
import dev.tokentally.counting.BlockCacheMetrics;
import dev.tokentally.http.HttpService;
import dev.tokentally.http.UsageSource;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running tokentally instance: the embedded broker when no cluster is configured, the Streams
 * topology, metrics and the HTTP server. {@link #close()} stops them in reverse order.
 */
public final class Application implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Application.class);
  private static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(60);

  private final AppConfig config;
  private final EmbeddedBroker broker;
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final HttpService http;

  private Application(
      AppConfig config,
      EmbeddedBroker broker,
      KafkaStreams streams,
      KafkaStreamsMetrics streamsMetrics,
      HttpService http) {
    this.config = config;
    this.broker = broker;
    this.streams = streams;
    this.streamsMetrics = streamsMetrics;
    this.http = http;
  }

  /** Starts everything and returns once Streams has been started (not necessarily RUNNING). */
  public static Application start(AppConfig config) {
    log.info("Kafka settings (secrets hidden): {}", config.describe());
    EmbeddedBroker broker =
        config.clusterConfigured()
            ? null
            : EmbeddedBroker.start(config.broker(), BROKER_READY_TIMEOUT);
    try {
      String bootstrap =
          broker == null ? config.kafka().get("bootstrap.servers") : broker.bootstrapServers();
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      Wiring wiring = Wiring.of(config, registry);
      Properties props = wiring.streamsProperties(bootstrap);
      TopicBootstrap.prepare(props, config);
      Topology topology = wiring.topology(props);
      KafkaStreams streams = new KafkaStreams(topology, props);
      // A dead stream thread is a bug or a lost broker: exit so the orchestrator restarts us.
      streams.setUncaughtExceptionHandler(e -> StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
      new JvmMemoryMetrics().bindTo(registry);
      new JvmGcMetrics().bindTo(registry);
      new JvmThreadMetrics().bindTo(registry);
      new ProcessorMetrics().bindTo(registry);
      new UptimeMetrics().bindTo(registry);
      KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
      streamsMetrics.bindTo(registry);
      new BlockCacheMetrics(wiring.counting().counter().cache()).bindTo(registry);
      String server = props.getProperty(StreamsConfig.APPLICATION_SERVER_CONFIG);
      HttpService http;
      try {
        http =
            HttpService.start(
                config.http(),
                wiring.counting(),
                wiring.metrics(),
                new UsageSource(
                    streams,
                    props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG),
                    server == null || server.isBlank() ? null : HostInfo.buildFromEndpoint(server),
                    config.usage()),
                () -> streams.state() == KafkaStreams.State.RUNNING,
                registry);
      } catch (RuntimeException e) {
        streamsMetrics.close();
        streams.close();
        throw new IllegalStateException(
            "cannot start the HTTP server on port " + config.http().port(), e);
      }
      AtomicBoolean announced = new AtomicBoolean();
      streams.setStateListener(
          (now, before) -> {
            if (now == KafkaStreams.State.RUNNING && announced.compareAndSet(false, true)) {
              log.info(
                  "tokentally is RUNNING: produce requests to {} on {}; enriched to {}, dead letters"
                      + " to {}, usage to {}; HTTP on port {}; usage console at {}://localhost:{}/",
                  config.topics().requests(),
                  bootstrap,
                  config.topics().enriched(),
                  config.topics().deadLetter(),
                  String.join(
                      ", ",
                      config.topics().usageByModel(),
                      config.topics().usageByName(),
                      config.topics().usageByNameModel()),
                  http.port(),
                  config.http().tls().enabled() ? "https" : "http",
                  http.port());
            }
          });
      streams.start();
      return new Application(config, broker, streams, streamsMetrics, http);
    } catch (RuntimeException e) {
      closeQuietly(broker);
      throw e;
    }
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public int httpPort() {
    return http.port();
  }

  @Override
  public void close() {
    log.info("stopping: closing Kafka Streams (timeout {})", config.shutdownTimeout());
    // Leave the group: without static membership a restarted instance joins with a new member id,
    // and the old one would otherwise hold its partitions until the session times out (45 s).
    boolean clean =
        streams.close(
            CloseOptions.timeout(config.shutdownTimeout())
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    if (!clean) {
      log.warn("Kafka Streams did not close within {}", config.shutdownTimeout());
    }
    streamsMetrics.close();
    http.close();
    closeQuietly(broker);
    log.info("stopped");
  }

  private static void closeQuietly(EmbeddedBroker broker) {
    if (broker != null) {
      broker.close();
    }
  }
}
