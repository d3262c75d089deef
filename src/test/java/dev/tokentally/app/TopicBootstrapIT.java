package dev.tokentally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokentally.testing.KraftTestKitBroker;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/** Responses must be co-partitioned with requests: created so when missing, refused otherwise. */
class TopicBootstrapIT {
  private static AppConfig config(String bootstrap, String suffix, boolean create) {
    return ConfigLoader.load(
        null,
        Map.of(
            "KAFKA_BOOTSTRAP_SERVERS",
            bootstrap,
            "TOKENTALLY_TOPIC_REQUESTS",
            "requests-" + suffix,
            "TOKENTALLY_TOPIC_RESPONSES",
            "responses-" + suffix,
            "TOKENTALLY_TOPICS_CREATE",
            String.valueOf(create),
            "TOKENTALLY_TOPICS_PARTITIONS",
            "3"));
  }

  /** A topic just created may not be in the broker's metadata yet on a busy machine: ask again. */
  private static int partitions(Admin admin, String topic) throws Exception {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return admin
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get()
            .get(topic)
            .partitions()
            .size();
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause()
                instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  @Test
  void createsResponsesLikeAnExistingRequestsTopicAndRefusesAMismatch() throws Exception {
    try (KraftTestKitBroker broker = KraftTestKitBroker.start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      String bootstrap = broker.bootstrapServers();
      admin.createTopics(List.of(new NewTopic("requests-a", 5, (short) 1))).all().get();
      AppConfig a = config(bootstrap, "a", true);
      TopicBootstrap.prepare(a.kafkaProperties(bootstrap), a);
      assertThat(partitions(admin, "responses-a")).isEqualTo(5);
      assertThat(partitions(admin, a.topics().reconciled())).isEqualTo(3);

      admin
          .createTopics(
              List.of(
                  new NewTopic("requests-b", 4, (short) 1),
                  new NewTopic("responses-b", 2, (short) 1)))
          .all()
          .get();
      AppConfig b = config(bootstrap, "b", false);
      assertThatThrownBy(() -> TopicBootstrap.prepare(b.kafkaProperties(bootstrap), b))
          .hasMessageContaining("requests-b has 4 partitions and responses-b has 2")
          .hasMessageContaining("tokentally.reconcile.enabled=false");

      AppConfig off =
          ConfigLoader.load(
              null,
              Map.of(
                  "KAFKA_BOOTSTRAP_SERVERS", bootstrap,
                  "TOKENTALLY_TOPIC_REQUESTS", "requests-b",
                  "TOKENTALLY_TOPIC_RESPONSES", "responses-b",
                  "TOKENTALLY_TOPICS_CREATE", "false",
                  "TOKENTALLY_RECONCILE_ENABLED", "false"));
      TopicBootstrap.prepare(off.kafkaProperties(bootstrap), off);
    }
  }
}
