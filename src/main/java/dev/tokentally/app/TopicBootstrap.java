package dev.tokentally.app;

import dev.tokentally.topology.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the input, enriched, dead-letter, usage and reconciliation topics when they are missing,
 * sized for the largest record tokentally accepts, and checks that requests and responses are
 * co-partitioned. Streams creates only its internal topics, and a missing output topic would stall
 * every task.
 */
final class TopicBootstrap {
  private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);

  private TopicBootstrap() {}

  /** Creates what is missing when creation is on, then checks the responses' partitioning. */
  static void prepare(Properties kafka, AppConfig config) {
    try (Admin admin = Admin.create(adminProperties(kafka))) {
      if (config.topicCreation().enabled()) {
        ensureTopics(admin, kafka, config);
      }
      if (config.reconcile().enabled()) {
        checkCoPartitioned(admin, config.topics());
      }
    }
  }

  /**
   * A response is joined in the task that holds its request's partition, without a repartition, so
   * both topics must have the same number of partitions (and their producers the same key and
   * partitioner). A mismatch would join nothing and close every request as {@code no_response}.
   */
  static void checkCoPartitioned(Admin admin, Topics topics) {
    Map<String, TopicDescription> found;
    try {
      found = describe(admin, List.of(topics.requests(), topics.responses()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while describing topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot describe "
              + topics.requests()
              + " and "
              + topics.responses()
              + " (reconciliation needs both; create them or set tokentally.reconcile.enabled=false)",
          e);
    }
    int requests = found.get(topics.requests()).partitions().size();
    int responses = found.get(topics.responses()).partitions().size();
    if (requests != responses) {
      throw new IllegalStateException(
          String.format(
              "%s has %d partitions and %s has %d: reconciliation joins a response in the task of"
                  + " its request's partition, so both need the same count (or set"
                  + " tokentally.reconcile.enabled=false)",
              topics.requests(), requests, topics.responses(), responses));
    }
  }

  /**
   * Describes topics, asking again for up to 10 s while the broker does not know one yet: a topic
   * created a moment ago can be missing from the metadata of the broker that answers.
   */
  private static Map<String, TopicDescription> describe(Admin admin, List<String> names)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
            || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(200);
      }
    }
  }

  private static Properties adminProperties(Properties kafka) {
    Properties adminProps = new Properties();
    for (String key : AdminClientConfig.configNames()) {
      if (kafka.containsKey(key)) {
        adminProps.put(key, kafka.get(key));
      }
    }
    return adminProps;
  }

  /** Every topic takes the largest record; the calibration topic keeps one value per family. */
  private static Map<String, String> topicConfigs(AppConfig config, String topic) {
    Map<String, String> configs = new java.util.TreeMap<>();
    configs.put(
        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
        String.valueOf(StreamsProperties.maxRecordBytes(config)));
    if (config.topics().compacted(topic)) {
      configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
    }
    return configs;
  }

  private static void ensureTopics(Admin admin, Properties kafka, AppConfig config) {
    AppConfig.TopicCreation creation = config.topicCreation();
    Optional<Short> replicas =
        creation.replicationFactor() < 0
            ? Optional.empty()
            : Optional.of(creation.replicationFactor());
    Topics topics = config.topics();
    try {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      // Responses are co-partitioned with requests, so a missing responses topic follows an
      // existing requests topic rather than the configured count.
      int requestPartitions =
          existing.contains(topics.requests())
              ? admin
                  .describeTopics(List.of(topics.requests()))
                  .allTopicNames()
                  .get(30, TimeUnit.SECONDS)
                  .get(topics.requests())
                  .partitions()
                  .size()
              : creation.partitions();
      ToIntFunction<String> partitionsOf =
          name ->
              name.equals(topics.responses())
                  ? requestPartitions
                  // One value per model family: a single partition holds them all in order.
                  : topics.compacted(name) ? 1 : creation.partitions();
      List<NewTopic> missing =
          topics.all().stream()
              .distinct()
              .filter(
                  name -> config.reconcile().enabled() || !topics.reconciliation().contains(name))
              .filter(name -> !existing.contains(name))
              .map(
                  name ->
                      new NewTopic(name, Optional.of(partitionsOf.applyAsInt(name)), replicas)
                          .configs(topicConfigs(config, name)))
              .toList();
      for (NewTopic topic : missing) {
        try {
          admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
          log.info("created topic {} with {} partitions", topic.name(), topic.numPartitions());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw new IllegalStateException(
                "cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot list topics on " + kafka.get("bootstrap.servers"), e);
    }
  }
}
