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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the input, enriched, dead-letter and usage topics when they are missing, sized for the
 * largest record tokentally accepts. Streams creates only its internal topics, and a missing output
 * topic would stall every task.
 */
final class TopicBootstrap {
  private static final Logger log = LoggerFactory.getLogger(TopicBootstrap.class);

  private TopicBootstrap() {}

  static void ensureTopics(Properties kafka, AppConfig config) {
    Properties adminProps = new Properties();
    for (String key : AdminClientConfig.configNames()) {
      if (kafka.containsKey(key)) {
        adminProps.put(key, kafka.get(key));
      }
    }
    AppConfig.TopicCreation creation = config.topicCreation();
    Optional<Short> replicas =
        creation.replicationFactor() < 0
            ? Optional.empty()
            : Optional.of(creation.replicationFactor());
    Topics topics = config.topics();
    try (Admin admin = Admin.create(adminProps)) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing =
          topics.all().stream()
              .distinct()
              .filter(name -> !existing.contains(name))
              .map(
                  name ->
                      new NewTopic(name, Optional.of(creation.partitions()), replicas)
                          .configs(
                              Map.of(
                                  TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                  String.valueOf(StreamsProperties.maxRecordBytes(config)))))
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
