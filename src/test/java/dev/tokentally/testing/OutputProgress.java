package dev.tokentally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts committed output records in the background, as a downstream reader sees them, so a test
 * can strike at a given share of the output and see when output moves again.
 */
public final class OutputProgress implements AutoCloseable {
  private final AtomicLong count = new AtomicLong();
  private final Thread reader;
  private volatile boolean running = true;

  public OutputProgress(String bootstrap, List<String> topics) {
    reader =
        new Thread(
            () -> {
              try (var consumer = TopicIo.committedReader(bootstrap)) {
                consumer.subscribe(topics);
                while (running) {
                  count.addAndGet(consumer.poll(Duration.ofMillis(100)).count());
                }
              }
            },
            "output-progress");
    reader.setDaemon(true);
    reader.start();
  }

  public long count() {
    return count.get();
  }

  public void awaitAtLeast(long target, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (count.get() < target) {
      assertThat(System.nanoTime()).as("output reached " + target).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
