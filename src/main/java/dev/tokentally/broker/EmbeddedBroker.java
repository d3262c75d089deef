package dev.tokentally.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool$;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode (combined broker and controller), run
 * in-process from Kafka's own server code. It keeps its log under the data directory, so records
 * and offsets survive a restart of the application.
 */
public final class EmbeddedBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

  private final BrokerSettings settings;
  private final KafkaRaftServer server;

  private EmbeddedBroker(BrokerSettings settings, KafkaRaftServer server) {
    this.settings = settings;
    this.server = server;
  }

  /** Formats the data directory if it is new, starts the broker and waits until it answers. */
  public static EmbeddedBroker start(BrokerSettings settings, Duration readyTimeout) {
    Path logDir = settings.dataDir().toAbsolutePath().normalize();
    Properties props = serverProperties(settings, logDir);
    try {
      Files.createDirectories(logDir);
      // A formatted directory keeps its cluster id; formatting it again with a new id would fail.
      if (!Files.exists(logDir.resolve("meta.properties"))) {
        format(props, logDir);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot prepare broker data dir " + logDir, e);
    }
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    EmbeddedBroker broker = new EmbeddedBroker(settings, server);
    try {
      broker.awaitReady(readyTimeout);
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  /** The address clients use, e.g. {@code localhost:9092}. */
  public String bootstrapServers() {
    return settings.host() + ":" + settings.port();
  }

  static Properties serverProperties(BrokerSettings s, Path logDir) {
    String controller = s.host() + ":" + s.controllerPort();
    Properties p = new Properties();
    p.putAll(
        Map.ofEntries(
            Map.entry("process.roles", "broker,controller"),
            Map.entry("node.id", "1"),
            Map.entry("controller.quorum.bootstrap.servers", controller),
            Map.entry(
                "listeners",
                "PLAINTEXT://" + s.host() + ":" + s.port() + ",CONTROLLER://" + controller),
            Map.entry("advertised.listeners", "PLAINTEXT://" + s.host() + ":" + s.port()),
            Map.entry("controller.listener.names", "CONTROLLER"),
            Map.entry("inter.broker.listener.name", "PLAINTEXT"),
            Map.entry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT"),
            Map.entry("log.dirs", logDir.toString()),
            Map.entry("num.partitions", "1"),
            // One node: every internal topic must accept a single replica, or EOS and groups hang.
            Map.entry("offsets.topic.replication.factor", "1"),
            Map.entry("transaction.state.log.replication.factor", "1"),
            Map.entry("transaction.state.log.min.isr", "1"),
            Map.entry("share.coordinator.state.topic.replication.factor", "1"),
            Map.entry("share.coordinator.state.topic.min.isr", "1"),
            Map.entry("group.initial.rebalance.delay.ms", "0"),
            Map.entry("auto.create.topics.enable", "false")));
    return p;
  }

  private static void format(Properties props, Path logDir) throws IOException {
    Path propsFile = logDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(propsFile)) {
      props.store(out, "written by tokentally for its embedded broker; regenerated at each start");
    }
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    String[] args = {
      "format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString()
    };
    int exit =
        StorageTool$.MODULE$.execute(args, new PrintStream(captured, true, StandardCharsets.UTF_8));
    if (exit != 0) {
      throw new IllegalStateException(
          "formatting broker storage failed: " + captured.toString(StandardCharsets.UTF_8));
    }
  }

  private void awaitReady(Duration timeout) {
    Map<String, Object> conf =
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers(),
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            (int) timeout.toMillis());
    try (Admin admin = Admin.create(conf)) {
      admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(
          "embedded broker at " + bootstrapServers() + " not ready within " + timeout, e);
    }
    log.info(
        "embedded Kafka broker ready at {} (data in {})", bootstrapServers(), settings.dataDir());
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
    log.info("embedded Kafka broker stopped");
  }
}
