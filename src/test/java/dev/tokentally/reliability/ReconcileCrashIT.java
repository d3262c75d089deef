package dev.tokentally.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.OutputProgress;
import dev.tokentally.testing.PacedProducer;
import dev.tokentally.testing.PerClassBroker;
import dev.tokentally.testing.RecordSchemas;
import dev.tokentally.testing.TopicIo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reconciliation on a real broker with one SIGKILL mid-run: requests of two vendors and responses
 * in every form (Anthropic message, stream, batch line, captured exchange, error status; Gemini
 * response, stream, chunk array, Vertex stream), out of order, duplicated, missing, late, and
 * without a request. Afterwards every accepted request has exactly one reconciled record with the
 * status its inputs call for (a late response adds an orphan after its request's no_response), no
 * response is charged twice, and actual-cost totals per model and per name, on the reconciled topic
 * and in the all-time usage records, equal a computation from the generated usage and the vendors'
 * published rates.
 */
class ReconcileCrashIT {
  private static final int REQUESTS = Integer.getInteger("tokentally.reliability.reconcile", 4_000);
  private static final int RATE = 1_000;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] NAMES = {"classify", "chat", "translate"};

  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @TempDir Path workDir;

  /** Published USD per million tokens: input, output, cache read, cache write 5m; batch in, out. */
  private record Rates(
      String model, double in, double out, double read, double write, double bIn, double bOut) {}

  private static final Rates SONNET = new Rates("claude-sonnet-4-5", 3, 15, 0.3, 3.75, 1.5, 7.5);
  private static final Rates HAIKU = new Rates("claude-haiku-4-5", 1, 5, 0.1, 1.25, 0.5, 2.5);
  private static final Rates FLASH = new Rates("gemini-2.5-flash", 0.3, 2.5, 0.03, 0, 0.15, 1.25);

  /** One response as sent, and what the vendor billed for it. */
  private record Response(String key, Rates model, String value, double costUsd) {}

  /** What the test expects for each key, in the order its records must appear. */
  private final Map<String, List<String>> expected = new HashMap<>();

  private final Map<String, String> nameOf = new HashMap<>();
  private final Map<String, Double> costByModel = new TreeMap<>();
  private final Map<String, Double> costByName = new TreeMap<>();

  @Test
  void everyRequestIsReconciledOnceAndNothingIsChargedTwiceAcrossAKill() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env =
        AppEnvironment.on(
            broker.bootstrapServers(), "tokentally-reconcile-" + suffix, workDir.resolve("state"));
    env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(FreePort.find()));
    env.put("TOKENTALLY_RECONCILE_WINDOW", "20s");
    env.put("TOKENTALLY_RECONCILE_GRACE", "5s");
    AppConfig config = ConfigLoader.load(null, env);
    String requestsTopic = config.topics().requests();
    String responsesTopic = config.topics().responses();
    Random random = new Random(7);

    List<ProducerRecord<byte[], byte[]>> phase1 = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> late = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> duplicates = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      String key = "req-" + i;
      Rates model = i % 3 == 0 ? SONNET : i % 3 == 1 ? HAIKU : FLASH;
      String name = NAMES[random.nextInt(NAMES.length)];
      nameOf.put(key, name);
      List<ProducerRecord<byte[], byte[]>> pair = new ArrayList<>();
      pair.add(request(requestsTopic, key, model, name));
      int fate = random.nextInt(100);
      if (fate < 5) {
        expected.put(key, List.of("no_response"));
      } else if (fate < 7) {
        expected.put(key, List.of("no_response", "orphan"));
        Response r = response(key, model, random);
        charge(r, "(unnamed)");
        late.add(record(responsesTopic, r));
      } else {
        expected.put(key, List.of("reconciled"));
        Response r = response(key, model, random);
        charge(r, name);
        pair.add(record(responsesTopic, r));
        if (fate >= 90) {
          duplicates.add(record(responsesTopic, r));
        }
      }
      // Either side first: budget-free requests still race their responses across two topics.
      Collections.shuffle(pair, random);
      phase1.addAll(pair);
    }
    for (int i = 0; i < REQUESTS * 3 / 100; i++) {
      String key = "orphan-" + i;
      Response r = response(key, i % 2 == 0 ? HAIKU : FLASH, random);
      charge(r, "(unnamed)");
      expected.put(key, List.of("orphan"));
      phase1.add(random.nextInt(phase1.size()), record(responsesTopic, r));
    }
    // Repeats come later than their originals, some after the kill.
    for (ProducerRecord<byte[], byte[]> d : duplicates) {
      int at = phase1.size() / 2 + random.nextInt(phase1.size() / 2);
      phase1.add(at, d);
    }
    long firstPass = expected.values().stream().mapToLong(v -> 1).sum();

    try (ChildApp app = new ChildApp("tokentally-reconcile", workDir, "512m", env)) {
      app.start(Duration.ofSeconds(60));
      PacedProducer producer = PacedProducer.start(broker.bootstrapServers(), phase1, RATE);
      try (OutputProgress progress =
          new OutputProgress(broker.bootstrapServers(), List.of(config.topics().reconciled()))) {
        progress.awaitAtLeast(REQUESTS * 2L / 5, Duration.ofSeconds(300));
        app.kill();
        app.start(Duration.ofSeconds(90));
        producer.awaitDone();
        // The missing and the orphans close window + grace after their time, on the clock.
        progress.awaitAtLeast(firstPass, Duration.ofSeconds(300));
      }
      TopicIo.send(broker.bootstrapServers(), late);
      int total = expected.values().stream().mapToInt(List::size).sum();
      List<ConsumerRecord<byte[], byte[]>> out =
          TopicIo.readCommitted(
              broker.bootstrapServers(),
              List.of(config.topics().reconciled()),
              total,
              Duration.ofSeconds(300),
              Duration.ofSeconds(8));

      Map<String, List<String>> seen = new HashMap<>();
      Map<String, Double> modelCost = new TreeMap<>();
      Map<String, Double> nameCost = new TreeMap<>();
      for (ConsumerRecord<byte[], byte[]> r : out) {
        JsonNode v = RecordSchemas.RECONCILED.assertValid(r.value());
        String key = new String(r.key(), StandardCharsets.UTF_8);
        seen.computeIfAbsent(key, k -> new ArrayList<>()).add(v.path("status").asText());
        if (v.path("model").isNull()) {
          // An error answer without a request names no model, and billed nothing.
          assertThat(v.path("actual_cost_usd").asDouble()).isZero();
        } else if (!v.path("actual_cost_usd").isMissingNode()) {
          double usd = v.path("actual_cost_usd").asDouble();
          modelCost.merge(canonical(v.path("model").asText()), usd, Double::sum);
          String name = v.path("name").isNull() ? "(unnamed)" : v.path("name").asText();
          nameCost.merge(name, usd, Double::sum);
        }
      }
      assertThat(seen).isEqualTo(expected);
      assertThat(modelCost.keySet()).isEqualTo(costByModel.keySet());
      costByModel.forEach((m, usd) -> assertThat(modelCost.get(m)).isCloseTo(usd, within(1e-9)));
      costByName.forEach((n, usd) -> assertThat(nameCost.get(n)).isCloseTo(usd, within(1e-9)));

      // The all-time usage per name x model says the same, once its last flush is out.
      Map<String, Double> usageByName = allTimeActualCost(config);
      costByName.forEach(
          (n, usd) -> assertThat(usageByName.get(n)).as(n).isCloseTo(usd, within(1e-6)));
      System.out.printf(
          "reconcile crash: %d requests, %d responses (%d repeated, %d late), %d orphans, 1"
              + " SIGKILL; %d records out, each key as expected; actual cost %s by model%n",
          REQUESTS,
          phase1.size() - REQUESTS + late.size(),
          duplicates.size(),
          late.size(),
          REQUESTS * 3 / 100,
          out.size(),
          modelCost);
      assertThat(app.stop()).isZero();
    }
  }

  private Map<String, Double> allTimeActualCost(AppConfig config) {
    Map<String, Double> byName = new TreeMap<>();
    Map<String, JsonNode> latest = new HashMap<>();
    TopicIo.readCommittedUntil(
        broker.bootstrapServers(),
        List.of(config.topics().usageByNameModel()),
        records -> {
          for (ConsumerRecord<byte[], byte[]> r : records) {
            JsonNode v = RecordSchemas.USAGE.assertValid(r.value());
            if (v.path("window").asText().equals("all")) {
              latest.put(v.path("name").asText() + "\n" + v.path("model").asText(), v);
            }
          }
          byName.clear();
          latest
              .values()
              .forEach(
                  v ->
                      byName.merge(
                          v.path("name").asText(),
                          v.at("/actual/cost_usd").asDouble(),
                          Double::sum));
          return costByName.entrySet().stream()
              .allMatch(
                  e ->
                      byName.containsKey(e.getKey())
                          && Math.abs(byName.get(e.getKey()) - e.getValue()) < 1e-6);
        },
        Duration.ofSeconds(60));
    return byName;
  }

  private static String canonical(String model) {
    if (model.startsWith("claude-sonnet-4-5")) {
      return SONNET.model();
    }
    if (model.startsWith("claude-haiku-4-5")) {
      return HAIKU.model();
    }
    return model;
  }

  private void charge(Response r, String name) {
    costByModel.merge(r.model().model(), r.costUsd(), Double::sum);
    costByName.merge(name, r.costUsd(), Double::sum);
  }

  private static ProducerRecord<byte[], byte[]> request(
      String topic, String key, Rates model, String name) {
    String text = "Please handle item " + key + " with care.";
    String body =
        model == FLASH
            ? "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"" + text + "\"}]}]}"
            : "{\"model\":\""
                + model.model()
                + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\""
                + text
                + "\"}]}";
    RecordHeaders headers = new RecordHeaders();
    headers.add("X-Opper-Name", name.getBytes(StandardCharsets.UTF_8));
    if (model == FLASH) {
      headers.add("X-Tokentally-Model", model.model().getBytes(StandardCharsets.UTF_8));
    }
    return new ProducerRecord<>(
        topic,
        null,
        key.getBytes(StandardCharsets.UTF_8),
        body.getBytes(StandardCharsets.UTF_8),
        headers);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, Response r) {
    return new ProducerRecord<>(
        topic,
        r.key().getBytes(StandardCharsets.UTF_8),
        r.value().getBytes(StandardCharsets.UTF_8));
  }

  /** A response of a random form for the model, with small random usage. */
  private static Response response(String key, Rates m, Random random) {
    long in = 5 + random.nextInt(400);
    long read = random.nextInt(4) == 0 ? 100 + random.nextInt(2000) : 0;
    long out = 1 + random.nextInt(300);
    long thoughts = m == FLASH && random.nextBoolean() ? random.nextInt(100) : 0;
    double standard = (in * m.in() + read * m.read() + out * m.out()) / 1e6;
    int form = random.nextInt(5);
    if (m != FLASH) {
      String id = "msg_" + key;
      String vendorModel = m == SONNET ? "claude-sonnet-4-5-20250929" : "claude-haiku-4-5-20251001";
      String usage =
          "{\"input_tokens\":%d,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":%d,\"output_tokens\":%d}"
              .formatted(in, read, out);
      String message =
          "{\"id\":\"%s\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"%s\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\",\"usage\":%s}"
              .formatted(id, vendorModel, usage);
      return switch (form) {
        case 0 -> new Response(key, m, message, standard);
        case 1 ->
            new Response(
                key,
                m,
                ("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"%s\",\"model\":\"%s\",\"usage\":{\"input_tokens\":%d,\"cache_read_input_tokens\":%d,\"output_tokens\":1}}}\n\n"
                        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":%d}}\n\n"
                        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n")
                    .formatted(id, vendorModel, in, read, out),
                standard);
        case 2 ->
            new Response(
                key,
                m,
                "{\"custom_id\":\"%s\",\"result\":{\"type\":\"succeeded\",\"message\":%s}}"
                    .formatted(key, message),
                (in * m.bIn() + read * m.bIn() * m.read() / m.in() + out * m.bOut()) / 1e6);
        case 3 ->
            new Response(
                key,
                m,
                "{\"status\":200,\"headers\":{\"request-id\":\"req_1\",\"x-api-key\":\"sk-ant-api03-never\"},\"body\":%s}"
                    .formatted(message),
                standard);
        default ->
            new Response(
                key,
                m,
                "{\"status\":529,\"headers\":{},\"body\":{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}}",
                0);
      };
    }
    // Gemini: promptTokenCount includes the cached part; output is candidates plus thoughts.
    long prompt = in + read;
    double gemini = (in * m.in() + read * m.read() + (out + thoughts) * m.out()) / 1e6;
    String meta =
        "{\"promptTokenCount\":%d,\"cachedContentTokenCount\":%d,\"candidatesTokenCount\":%d,\"thoughtsTokenCount\":%d,\"totalTokenCount\":%d}"
            .formatted(prompt, read, out, thoughts, prompt + out + thoughts);
    String early =
        "{\"promptTokenCount\":%d,\"cachedContentTokenCount\":%d,\"candidatesTokenCount\":1,\"totalTokenCount\":%d}"
            .formatted(prompt, read, prompt + 1);
    String chunk =
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"x\"}]}}],\"responseId\":\"%s\",\"modelVersion\":\"gemini-2.5-flash\",\"usageMetadata\":%s}";
    String last =
        "{\"candidates\":[{\"finishReason\":\"STOP\"}],\"responseId\":\"%s\",\"modelVersion\":\"gemini-2.5-flash\",\"usageMetadata\":%s}";
    return switch (form) {
      case 0, 4 -> new Response(key, m, last.formatted(key, meta), gemini);
      case 1 ->
          new Response(
              key,
              m,
              "data: "
                  + chunk.formatted(key, early)
                  + "\r\n\r\ndata: "
                  + last.formatted(key, meta)
                  + "\r\n\r\n",
              gemini);
      case 2 ->
          new Response(
              key,
              m,
              "[" + chunk.formatted(key, early) + "," + last.formatted(key, meta) + "]",
              gemini);
      default ->
          new Response(
              key,
              m,
              "data: {\"candidates\":[{}],\"usageMetadata\":{\"trafficType\":\"ON_DEMAND\"}}\n\ndata: "
                  + last.formatted(key, meta.replace("}", ",\"trafficType\":\"ON_DEMAND\"}"))
                  + "\n\n",
              gemini);
    };
  }
}
