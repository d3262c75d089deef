package dev.tokentally.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.HttpGet;
import dev.tokentally.testing.MemorySampler;
import dev.tokentally.testing.PerClassBroker;
import dev.tokentally.testing.PrometheusText;
import dev.tokentally.testing.TopicIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenario 6 (docs/reliability.md): a sustained stream of maximum-size records (just
 * under and just over {@code tokentally.request.max.bytes}, 8 MiB) through the jar with {@code
 * -Xmx512m}, produced faster than it can count them. It must process every one exactly once without
 * running out of memory, keep its heap after collection flat rather than growing, and keep the
 * block-count cache at its configured size.
 *
 * <p>CI: 24 records (about 190 MB). Full size: {@code ./mvnw verify -Preliability-full}
 * (docs/reliability.md).
 */
class ResourceBoundsIT {
  private static final int RECORDS = Integer.getInteger("tokentally.reliability.max.records", 24);
  private static final long SEED = Long.getLong("tokentally.reliability.seed", 42);
  private static final int MAX_BYTES = 8 * 1024 * 1024;
  private static final long HEAP_LIMIT = 512L * 1024 * 1024;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The record kinds, cycled, and where each must come out. */
  private enum Kind {
    CLAUDE_MAX("context_window_exceeded"),
    GEMINI_MAX("context_window_exceeded"),
    GEMINI_ACCEPTED(null),
    OVER_MAX("payload_too_large");

    final String code;

    Kind(String code) {
      this.code = code;
    }
  }

  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @TempDir Path workDir;

  @Test
  void maximumSizeRecordsKeepTheHeapBoundedAndFlat() throws Exception {
    int port = FreePort.find();
    Map<String, String> env =
        AppEnvironment.on(
            broker.bootstrapServers(),
            "tokentally-bounds-" + UUID.randomUUID().toString().substring(0, 8),
            workDir.resolve("state"));
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
    AppConfig config = ConfigLoader.load(null, env);
    String base = "http://localhost:" + port;

    try (ChildApp app = new ChildApp("tokentally", workDir, "512m", env)) {
      app.start(Duration.ofSeconds(60));
      try (MemorySampler memory = new MemorySampler(base, app.pid())) {
        long started = System.nanoTime();
        long bytes = produce(config.topics().requests());
        verify(config);
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(app.isAlive()).isTrue();
        assertThat(app.output()).noneMatch(l -> l.contains("OutOfMemoryError"));
        memory.stop();
        assertThat(memory.samples()).as("memory samples").isGreaterThan(5);
        assertThat(memory.maxHeap()).isLessThanOrEqualTo(HEAP_LIMIT);
        // Flat, not growing: what survives collection late in the run is not much more than
        // early on. A leak of even one record's worth per record would break this.
        assertThat(memory.lateLive())
            .as("live heap after GC, last quarter vs first quarter")
            .isLessThan(memory.earlyLive() + 64L * 1024 * 1024);
        String scrape = HttpGet.body(base + "/metrics");
        double capacity = value(scrape, "tokentally_count_cache_capacity");
        assertThat(capacity).isEqualTo(config.counting().cacheBlocks());
        System.out.printf(
            "resource bounds: %d records of up to %d bytes (%.0f MB) in %.1f s with -Xmx512m;"
                + " heap used max %d MiB, live after GC max %d MiB (first quarter %d, last quarter"
                + " %d), RSS max %d MiB; block cache %d slots (%d KiB) and hit ratio %.2f; 0"
                + " OutOfMemoryError%n",
            RECORDS,
            MAX_BYTES + 1,
            bytes / 1e6,
            seconds,
            memory.maxHeap() >> 20,
            memory.maxLive() >> 20,
            memory.earlyLive() >> 20,
            memory.lateLive() >> 20,
            memory.maxRss() >> 20,
            (long) capacity,
            (long) capacity * 8 / 1024,
            value(scrape, "tokentally_count_cache_hit_ratio"));
        assertThat(app.stop()).isZero();
      }
    }
  }

  private static Kind kind(int i) {
    return Kind.values()[i % Kind.values().length];
  }

  /** Generated one at a time: the test JVM never holds more than the producer's buffer. */
  private static long produce(String topic) {
    Random random = new Random(SEED);
    Map<String, Object> conf = new HashMap<>();
    conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    conf.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * MAX_BYTES);
    conf.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L << 20);
    conf.put(ProducerConfig.ACKS_CONFIG, "all");
    long bytes = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(conf, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < RECORDS; i++) {
        byte[] value = body(kind(i), random);
        bytes += value.length;
        producer.send(
            new ProducerRecord<>(topic, String.valueOf(i).getBytes(StandardCharsets.UTF_8), value));
      }
      producer.flush();
    }
    return bytes;
  }

  private static byte[] body(Kind kind, Random random) {
    String head =
        kind == Kind.CLAUDE_MAX
            ? "{\"model\":\"claude-3-5-sonnet-20241022\",\"messages\":[{\"role\":\"user\",\"content\":\""
            : "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"";
    String tail = kind == Kind.CLAUDE_MAX ? "\"}]}" : "\"}]}]}";
    int size =
        switch (kind) {
          case CLAUDE_MAX, GEMINI_MAX -> MAX_BYTES;
          case GEMINI_ACCEPTED -> MAX_BYTES / 8;
          case OVER_MAX -> MAX_BYTES + 1;
        };
    StringBuilder text = new StringBuilder(size);
    text.append(head);
    // Distinct words, so neither cache can make this cheap.
    while (text.length() < size - tail.length() - 16) {
      text.append("w").append(Integer.toString(random.nextInt(), 36)).append(' ');
    }
    while (text.length() < size - tail.length()) {
      text.append('x');
    }
    return text.append(tail).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Streams through both outputs, keeping only ids: the values are megabytes each. */
  private static void verify(AppConfig config) throws IOException {
    Map<String, Integer> seen = new HashMap<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(1_800).toNanos();
    long settleUntil = Long.MAX_VALUE;
    try (KafkaConsumer<byte[], byte[]> consumer =
        TopicIo.committedReader(broker.bootstrapServers())) {
      consumer.subscribe(List.of(config.topics().enriched(), config.topics().deadLetter()));
      while (System.nanoTime() < settleUntil) {
        assertThat(System.nanoTime()).as("all %d records out", RECORDS).isLessThan(deadline);
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          String id = new String(r.key(), StandardCharsets.UTF_8);
          seen.merge(id, 1, Integer::sum);
          Kind kind = kind(Integer.parseInt(id));
          boolean enriched = r.topic().equals(config.topics().enriched());
          JsonNode value = MAPPER.readTree(r.value());
          assertThat(enriched)
              .as("%s (%s): %s", id, kind, value.path("error"))
              .isEqualTo(kind.code == null);
          if (!enriched) {
            assertThat(value.at("/error/code").asText()).as(id).isEqualTo(kind.code);
          }
        }
        if (seen.size() == RECORDS && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        }
      }
    }
    assertThat(seen).hasSize(RECORDS);
    assertThat(seen.values()).allMatch(n -> n == 1);
  }

  private static double value(String scrape, String name) {
    return PrometheusText.parse(scrape).stream()
        .filter(s -> s.name().equals(name))
        .mapToDouble(PrometheusText.Sample::value)
        .max()
        .orElseThrow(() -> new AssertionError("no " + name + " in the scrape"));
  }
}
