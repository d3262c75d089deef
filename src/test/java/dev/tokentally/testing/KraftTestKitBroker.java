package dev.tokentally.testing;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node KRaft broker in this JVM, from Kafka's own test kit. The kit is internal Kafka
 * API with no compatibility promise, so it is used only here.
 */
public final class KraftTestKitBroker implements KafkaBackend {
  private final KafkaClusterTestKit cluster;

  private KraftTestKitBroker(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  public static KraftTestKitBroker start() {
    try {
      KafkaClusterTestKit cluster =
          new KafkaClusterTestKit.Builder(
                  new TestKitNodes.Builder()
                      // The kit defaults to an unreleased metadata version; match production.
                      .setBootstrapMetadataVersion(MetadataVersion.latestProduction())
                      .setCombined(true)
                      .setNumBrokerNodes(1)
                      .setNumControllerNodes(1)
                      .build())
              // The kit keeps the broker default of 3 replicas; one node cannot host them.
              .setConfigProp("offsets.topic.replication.factor", "1")
              .setConfigProp("transaction.state.log.replication.factor", "1")
              .setConfigProp("transaction.state.log.min.isr", "1")
              .setConfigProp("group.initial.rebalance.delay.ms", "0")
              .build();
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
      return new KraftTestKitBroker(cluster);
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the in-process KRaft broker", e);
    }
  }

  @Override
  public String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  @Override
  public void close() {
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("cannot stop the in-process KRaft broker", e);
    }
  }
}
