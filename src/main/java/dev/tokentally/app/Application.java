package dev.tokentally.app;

import dev.tokentally.broker.EmbeddedBroker;
import dev.tokentally.counting.BlockCacheMetrics;
import dev.tokentally.http.Health;
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
  private final StreamHealth health;

  private Application(
      AppConfig config,
      EmbeddedBroker broker,
      KafkaStreams streams,
      KafkaStreamsMetrics streamsMetrics,
      HttpService http,
      StreamHealth health) {
    this.config = config;
    this.health = health;
    this.broker = broker;
    this.streams = streams;
    this.streamsMetrics = streamsMetrics;
    this.http = http;
  }

  /**
   * Starts an embedded instance (tests): a failed Streams client turns liveness false and is
   * logged, but the JVM is left to its owner.
   */
  public static Application start(AppConfig config) {
    return start(config, () -> {});
  }

  /**
   * Starts everything and returns once Streams has been started (not necessarily RUNNING).
   *
   * @param onStreamFailure run once, on a thread of its own, if the Streams client ends in {@code
   *     ERROR} or stops without {@link #close()}: the process is of no use any more and should exit
   */
  public static Application start(AppConfig config, Runnable onStreamFailure) {
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
      wiring.prepareTopics(props);
      Topology topology = wiring.topology(props);
      KafkaStreams streams = new KafkaStreams(topology, props);
      StreamHealth health = new StreamHealth(onStreamFailure);
      // One record's failure never gets here (RecordIsolation); what does is fatal to the JVM or a
      // broken client. Stop the client: the state listener then ends the process.
      streams.setUncaughtExceptionHandler(
          e -> {
            log.error("stream thread failed: {}; stopping", e.getClass().getName());
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
          });
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
                new Health(health::live, () -> streams.state() == KafkaStreams.State.RUNNING),
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
            health.changed(now);
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
      return new Application(config, broker, streams, streamsMetrics, http, health);
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
    health.closing();
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
