package dev.tokentally.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.Application;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.app.Wiring;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FaultInjection;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.PdfRequests;
import dev.tokentally.testing.PerClassBroker;
import dev.tokentally.testing.TopicIo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27 on a real broker: no record stops the stream, and a client that stops anyway is not left
 * running as a live-looking process.
 *
 * <ul>
 *   <li>A stack overflow and a runtime exception injected into the request path, and the PDF
 *       requests that used to overflow the stack (a 9 KB Flate-compressed page holding a 2 MB
 *       string, and the same string uncompressed), each land exactly once, the faults as {@code
 *       internal_error} dead letters and the PDFs counted, and the records after them are counted.
 *   <li>A client forced into {@code ERROR} (its source topic deleted under it) fails liveness, and
 *       the packaged jar exits with status 70 within 10 s of it.
 * </ul>
 */
class RecordIsolationIT {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final int AFTER = 50;

  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @TempDir Path workDir;

  private Map<String, String> env(String name) {
    Map<String, String> env =
        AppEnvironment.on(
            broker.bootstrapServers(),
            name + "-" + UUID.randomUUID().toString().substring(0, 8),
            workDir.resolve("state"));
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(FreePort.find()));
    return env;
  }

  static byte[] anthropic(String text) {
    ObjectNode body = MAPPER.createObjectNode().put("model", "claude-sonnet-4-5");
    body.put("max_tokens", 16);
    body.putArray("messages").addObject().put("role", "user").put("content", text);
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void injectedFaultsAndPoisonPdfsEachLandOnceAndTheStreamGoesOn() throws Exception {
    AppConfig config = ConfigLoader.load(null, env("tokentally-isolation"));
    String bootstrap = broker.bootstrapServers();
    Wiring wiring = Wiring.of(config);
    Properties props = FaultInjection.into(wiring.streamsProperties(bootstrap));
    wiring.prepareTopics(props);
    byte[] compressed = PdfRequests.poisonPill();
    assertThat(compressed.length).isLessThan(12_000);

    Map<String, byte[]> records = new java.util.LinkedHashMap<>();
    records.put("stack-overflow", anthropic(FaultInjection.STACK_OVERFLOW));
    records.put("runtime-exception", anthropic(FaultInjection.RUNTIME));
    records.put("pdf-compressed-2mb-string", PdfRequests.anthropicDocument(compressed));
    records.put(
        "pdf-plain-2mb-string",
        PdfRequests.anthropicDocument(PdfRequests.longString('b', 2_000_000, false)));
    for (int i = 0; i < AFTER; i++) {
      records.put("after-" + i, anthropic("Hello number " + i));
    }
    List<ProducerRecord<byte[], byte[]>> produce = new ArrayList<>();
    records.forEach(
        (k, v) ->
            produce.add(
                new ProducerRecord<>(
                    config.topics().requests(), k.getBytes(StandardCharsets.UTF_8), v)));

    try (KafkaStreams streams = new KafkaStreams(wiring.topology(props), props)) {
      streams.start();
      awaitState(streams, KafkaStreams.State.RUNNING, Duration.ofSeconds(60));
      TopicIo.send(bootstrap, produce);

      List<ConsumerRecord<byte[], byte[]>> out =
          TopicIo.readCommitted(
              bootstrap,
              List.of(config.topics().enriched(), config.topics().deadLetter()),
              records.size(),
              Duration.ofSeconds(120),
              Duration.ofSeconds(3));
      Map<String, List<ConsumerRecord<byte[], byte[]>>> byKey = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : out) {
        byKey
            .computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
            .add(r);
      }
      assertThat(byKey.keySet()).containsExactlyInAnyOrderElementsOf(records.keySet());
      byKey.forEach((k, list) -> assertThat(list).as("outputs of " + k).hasSize(1));

      assertDeadLetter(byKey.get("stack-overflow").get(0), config, StackOverflowError.class);
      assertDeadLetter(byKey.get("runtime-exception").get(0), config, IllegalStateException.class);
      for (String pdf : List.of("pdf-compressed-2mb-string", "pdf-plain-2mb-string")) {
        ConsumerRecord<byte[], byte[]> r = byKey.get(pdf).get(0);
        JsonNode value = MAPPER.readTree(r.value());
        if (r.topic().equals(config.topics().deadLetter())) {
          // 2 MB of one letter is far more than the default cap; refusing it by count is right.
          assertThat(value.at("/error/code").asText())
              .as(pdf + " " + value.at("/error/message").asText())
              .isIn("context_window_exceeded", "request_token_limit_exceeded");
          assertThat(value.at("/error/details/input_tokens").asLong()).isGreaterThan(10_000);
        } else {
          // The page's 2 MB of text is counted, not just the page.
          assertThat(value.at("/input_tokens").asLong()).isGreaterThan(10_000);
        }
      }
      for (int i = 0; i < AFTER; i++) {
        assertThat(byKey.get("after-" + i).get(0).topic()).isEqualTo(config.topics().enriched());
      }
      assertThat(streams.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }

  private static void assertDeadLetter(
      ConsumerRecord<byte[], byte[]> record, AppConfig config, Class<?> failure) throws Exception {
    assertThat(record.topic()).isEqualTo(config.topics().deadLetter());
    JsonNode value = MAPPER.readTree(record.value());
    assertThat(value.at("/error/code").asText()).isEqualTo("internal_error");
    assertThat(value.at("/error/details/exception").asText()).isEqualTo(failure.getName());
    assertThat(value.at("/meta/payload").asText()).isNotEmpty();
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).doesNotContain("\tat ");
  }

  @Test
  void aClientInErrorIsNotLive() throws Exception {
    Map<String, String> env = env("tokentally-liveness");
    AppConfig config = ConfigLoader.load(null, env);
    try (Application app = Application.start(config)) {
      awaitState(app::state, KafkaStreams.State.RUNNING, Duration.ofSeconds(60));
      String base = "http://localhost:" + app.httpPort();
      assertThat(get(base + "/health/live")).isEqualTo(200);
      deleteTopic(config.topics().requests());
      awaitState(app::state, KafkaStreams.State.ERROR, Duration.ofSeconds(90));
      assertThat(get(base + "/health/live")).isEqualTo(503);
      assertThat(get(base + "/health/ready")).isEqualTo(503);
    }
  }

  @Test
  void thePackagedJarExitsNonZeroWithinTenSecondsOfItsClientFailing() throws Exception {
    Map<String, String> env = env("tokentally-exit");
    AppConfig config = ConfigLoader.load(null, env);
    try (ChildApp app = new ChildApp("tokentally-exit", workDir, "512m", env)) {
      app.start(Duration.ofSeconds(90));
      deleteTopic(config.topics().requests());
      Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
      Instant failed = null;
      while (app.isAlive() && Instant.now().isBefore(deadline)) {
        if (failed == null
            && app.output().stream().anyMatch(l -> l.contains("will process nothing more"))) {
          failed = Instant.now();
        }
        Thread.sleep(50);
      }
      Instant exited = Instant.now();
      assertThat(app.isAlive()).as("exited after its client failed").isFalse();
      assertThat(failed).as("logged the failure").isNotNull();
      assertThat(Duration.between(failed, exited)).isLessThanOrEqualTo(Duration.ofSeconds(10));
      assertThat(app.awaitExit()).isEqualTo(70);
    }
  }

  private static void deleteTopic(String topic) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      admin.deleteTopics(List.of(topic)).all().get();
    }
  }

  private static int get(String url) throws Exception {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  private static void awaitState(KafkaStreams streams, KafkaStreams.State state, Duration timeout)
      throws InterruptedException {
    awaitState(streams::state, state, timeout);
  }

  private static void awaitState(
      java.util.function.Supplier<KafkaStreams.State> current,
      KafkaStreams.State state,
      Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (current.get() != state && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(current.get()).isEqualTo(state);
  }
}
