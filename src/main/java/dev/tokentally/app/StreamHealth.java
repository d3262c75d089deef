package dev.tokentally.app;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the process is still of use. A Streams client in {@code ERROR}, or one that stopped
 * without being asked to, processes nothing again: liveness turns false at once and the failure
 * action runs once, on its own thread, because the state listener runs on a Streams thread that
 * closing the client would wait for.
 */
final class StreamHealth {
  private static final Logger log = LoggerFactory.getLogger(StreamHealth.class);

  private final Runnable onFailure;
  private final AtomicBoolean failed = new AtomicBoolean();
  private volatile boolean closing;

  StreamHealth(Runnable onFailure) {
    this.onFailure = onFailure;
  }

  boolean live() {
    return !failed.get();
  }

  /** The application is closing: the states that follow are expected. */
  void closing() {
    closing = true;
  }

  void changed(KafkaStreams.State now) {
    boolean stopped =
        now == KafkaStreams.State.ERROR
            || (!closing
                && (now == KafkaStreams.State.PENDING_SHUTDOWN
                    || now == KafkaStreams.State.NOT_RUNNING));
    if (stopped && failed.compareAndSet(false, true)) {
      log.error("Kafka Streams is {} and will process nothing more; the process is not live", now);
      Thread action = new Thread(onFailure, "tokentally-stream-failure");
      action.setDaemon(false);
      action.start();
    }
  }
}
