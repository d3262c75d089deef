package dev.tokentally.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends records at a fixed rate from a background thread, as a gateway would, so a test can break
 * things while records flow. Idempotent with a long delivery timeout: a broker outage delays
 * records but neither loses nor doubles them, so what the test finds is tokentally's doing.
 */
public final class PacedProducer implements AutoCloseable {
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicReference<Throwable> failed = new AtomicReference<>();
  private final Thread thread;

  private PacedProducer(
      String bootstrap, List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
    thread = new Thread(() -> run(bootstrap, records, perSecond), "paced-producer");
    thread.setDaemon(true);
  }

  public static PacedProducer start(
      String bootstrap, List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
    PacedProducer producer = new PacedProducer(bootstrap, records, perSecond);
    producer.thread.start();
    return producer;
  }

  public int sent() {
    return sent.get();
  }

  /** Waits until every record was acknowledged; rethrows the first send failure. */
  public void awaitDone() throws InterruptedException {
    thread.join();
    if (failed.get() != null) {
      throw new AssertionError("producing failed", failed.get());
    }
  }

  private void run(String bootstrap, List<ProducerRecord<byte[], byte[]>> records, int perSecond) {
    int perTick = Math.max(1, perSecond / 10);
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 600_000);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 600_000);
    config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 << 20);
    config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
      long next = System.nanoTime();
      for (int i = 0; i < records.size(); i++) {
        producer.send(
            records.get(i),
            (meta, e) -> {
              if (e != null) {
                failed.compareAndSet(null, e);
              }
            });
        sent.incrementAndGet();
        if (i % perTick == perTick - 1) {
          next += 100_000_000L;
          long sleep = next - System.nanoTime();
          if (sleep > 0) {
            Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
          }
        }
      }
      producer.flush();
    } catch (Throwable t) {
      failed.compareAndSet(null, t);
    }
  }

  @Override
  public void close() {
    thread.interrupt();
  }
}
