package dev.tokentally.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Plain Kafka clients for tests: produce raw records, read topics as a downstream consumer. */
public final class TopicIo {
  private TopicIo() {}

  public static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ProducerConfig.ACKS_CONFIG,
            "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true,
            // Large enough for the largest request a test sends; the broker's topic limit decides.
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
            64 << 20),
        new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  public static void send(String bootstrap, List<ProducerRecord<byte[], byte[]>> records) {
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap)) {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> record : records) {
        sent.add(producer.send(record));
      }
      producer.flush();
      // A record the producer could not send must fail the test, not vanish from it.
      for (java.util.concurrent.Future<?> f : sent) {
        try {
          f.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new AssertionError("a test record was not sent", e.getCause());
        }
      }
    }
  }

  /**
   * Reads {@code topics} from the beginning with {@code read_committed}, as a downstream consumer
   * would, until {@code expected} records arrived, then keeps reading for {@code settle} so that
   * duplicates would show up too.
   */
  public static List<ConsumerRecord<byte[], byte[]>> readCommitted(
      String bootstrap, List<String> topics, int expected, Duration timeout, Duration settle) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = committedReader(bootstrap)) {
      consumer.subscribe(topics);
      Instant deadline = Instant.now().plus(timeout);
      Instant settleUntil = null;
      while (Instant.now().isBefore(deadline)
          && (settleUntil == null || Instant.now().isBefore(settleUntil))) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        if (settleUntil == null && records.size() >= expected) {
          settleUntil = Instant.now().plus(settle);
        }
      }
    }
    return records;
  }

  /**
   * Reads {@code topics} from the beginning with {@code read_committed} until {@code done} holds
   * for everything read so far, or the timeout passes; returns what was read either way.
   */
  public static List<ConsumerRecord<byte[], byte[]>> readCommittedUntil(
      String bootstrap,
      List<String> topics,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> done,
      Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = committedReader(bootstrap)) {
      consumer.subscribe(topics);
      Instant deadline = Instant.now().plus(timeout);
      while (Instant.now().isBefore(deadline)) {
        var batch = consumer.poll(Duration.ofMillis(200));
        batch.forEach(records::add);
        if (!batch.isEmpty() && done.test(records)) {
          break;
        }
      }
    }
    return records;
  }

  /** A downstream consumer: its own group, from the beginning, committed records only. */
  public static KafkaConsumer<byte[], byte[]> committedReader(String bootstrap) {
    Map<String, Object> conf =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "test-reader-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    return new KafkaConsumer<>(conf, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Every record physically in every non-internal topic, aborted transactions included
   * (read_uncommitted): what a scan for leaked data has to look at. Each record is handed to {@code
   * visit}; returns how many there were.
   */
  public static long forEveryRecord(
      String bootstrap, Consumer<ConsumerRecord<byte[], byte[]>> visit) {
    Map<String, Object> conf =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_uncommitted",
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    long seen = 0;
    try (Admin admin = Admin.create(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(conf, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Set<String> topics = admin.listTopics().names().get();
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        consumer
            .partitionsFor(topic)
            .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read every topic to its end");
        }
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          visit.accept(r);
          seen++;
        }
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return seen;
  }
}
