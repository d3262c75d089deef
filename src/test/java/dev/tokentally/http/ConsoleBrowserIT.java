package dev.tokentally.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.access.KeysFile;
import dev.tokentally.access.Scope;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.Application;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.KraftTestKitBroker;
import dev.tokentally.testing.TopicIo;
import dev.tokentally.testing.UsageAnswer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The usage console in Debian's Chromium, driven by Playwright ({@code
 * src/test/console/console.test.mjs}), against the application on a real broker with API keys: the
 * page asks for a key, shows every model and name with the totals the stream wrote, counts a body
 * to the stream's number, shows an invalid body's error, fits a phone's width, and shows a
 * name-limited key only its names. Screenshots go to {@code target/console/}.
 */
class ConsoleBrowserIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SCRIPT = Path.of("src/test/console/console.test.mjs");
  private static final Path PLAYWRIGHT = Path.of("src/test/console/node_modules/playwright-core");
  private static final String FULL_KEY = "tt_console_full_" + UUID.randomUUID();
  private static final String TEAM_A_KEY = "tt_console_team_a_" + UUID.randomUUID();

  @TempDir Path dir;

  /** Fails where CI promised a browser ({@code TOKENTALLY_REQUIRE_BROWSER}), skips elsewhere. */
  private static void requireBrowser() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
      missing.add("/usr/bin/chromium (apt-get install chromium)");
    }
    if (!Files.isDirectory(PLAYWRIGHT)) {
      missing.add("playwright-core (npm install --prefix src/test/console)");
    }
    if (!missing.isEmpty()) {
      assertThat(System.getenv("TOKENTALLY_REQUIRE_BROWSER"))
          .as("the browser test needs " + missing)
          .isNull();
      Assumptions.abort("browser test needs " + missing);
    }
  }

  private static String body(String model, String text) throws Exception {
    if (model.startsWith("gemini")) {
      return JSON.writeValueAsString(
          Map.of(
              "model",
              model,
              "contents",
              List.of(Map.of("role", "user", "parts", List.of(Map.of("text", text))))));
    }
    return JSON.writeValueAsString(
        Map.of(
            "model",
            model,
            "max_tokens",
            200,
            "messages",
            List.of(Map.of("role", "user", "content", text))));
  }

  @Test
  void theConsoleShowsWhatTheStreamWroteAndCountsAsItDoes() throws Exception {
    requireBrowser();
    Path keys = dir.resolve("keys");
    Files.writeString(
        keys,
        KeysFile.line(FULL_KEY, Set.of(Scope.COUNT, Scope.USAGE, Scope.METRICS), List.of(), "full")
            + "\n"
            + KeysFile.line(TEAM_A_KEY, Set.of(Scope.USAGE), List.of("team-a/"), "team-a")
            + "\n");
    try (KraftTestKitBroker broker = KraftTestKitBroker.start()) {
      int port = FreePort.find();
      Map<String, String> env =
          AppEnvironment.on(
              broker.bootstrapServers(),
              "tokentally-console-" + UUID.randomUUID().toString().substring(0, 8),
              dir.resolve("state"));
      env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
      env.put("TOKENTALLY_HTTP_KEYS_FILE", keys.toString());
      AppConfig config = ConfigLoader.load(null, env);
      String[][] sent = {
        {"team-a/summarise", "claude-sonnet-4-5", "Summarise the quarterly report in three lines."},
        {"team-a/summarise", "claude-sonnet-4-5", "Summarise this thread: the build is red again."},
        {"team-a/summarise", "claude-sonnet-4-5", "Summarise: tokens are counted locally."},
        {"team-a/classify", "claude-haiku-4-5", "Is this a question? How are you"},
        {"team-a/classify", "claude-haiku-4-5", "Classify the sentiment: wonderful service"},
        {"team-b/chat", "gemini-2.5-flash", "Hello, Gemini, what is Kafka Streams?"},
        {"team-b/chat", "gemini-2.5-flash", "Tell me about exactly-once processing."},
      };
      try (Application app = Application.start(config)) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int i = 0; i < sent.length; i++) {
          ProducerRecord<byte[], byte[]> r =
              new ProducerRecord<>(
                  config.topics().requests(),
                  ("c-" + i).getBytes(StandardCharsets.UTF_8),
                  body(sent[i][1], sent[i][2]).getBytes(StandardCharsets.UTF_8));
          r.headers().add("X-Opper-Name", sent[i][0].getBytes(StandardCharsets.UTF_8));
          records.add(r);
        }
        ProducerRecord<byte[], byte[]> bad =
            new ProducerRecord<>(
                config.topics().requests(),
                "c-bad".getBytes(StandardCharsets.UTF_8),
                "{\"model\": ".getBytes(StandardCharsets.UTF_8));
        bad.headers().add("X-Opper-Name", "team-b/chat".getBytes(StandardCharsets.UTF_8));
        records.add(bad);
        TopicIo.send(broker.bootstrapServers(), records);

        Map<String, Long> tokensByName = new TreeMap<>();
        Map<String, Long> requestsByModel = new TreeMap<>();
        long firstCount = -1;
        for (ConsumerRecord<byte[], byte[]> r :
            TopicIo.readCommitted(
                broker.bootstrapServers(),
                List.of(config.topics().enriched(), config.topics().deadLetter()),
                records.size(),
                Duration.ofSeconds(60),
                Duration.ZERO)) {
          JsonNode v = JSON.readTree(r.value());
          if (!r.topic().equals(config.topics().enriched())) {
            continue;
          }
          long tokens =
              v.has("input_tokens")
                  ? v.get("input_tokens").asLong()
                  : v.get("totalTokens").asLong();
          tokensByName.merge(v.get("name").asText(), tokens, Long::sum);
          requestsByModel.merge(v.get("model").asText(), 1L, Long::sum);
          if (new String(r.key(), StandardCharsets.UTF_8).equals("c-0")) {
            firstCount = tokens;
          }
        }
        assertThat(requestsByModel.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(7);
        assertThat(app.httpPort()).isEqualTo(port);
        // The usage API has caught up with the stream before the browser looks.

        for (int tries = 0; tries < 120; tries++) {
          List<JsonNode> names =
              UsageAnswer.get(
                      "http://localhost:" + port + "/usage/names",
                      Duration.ofSeconds(30),
                      "x-api-key",
                      FULL_KEY)
                  .records();
          long total = names.stream().mapToLong(n -> n.path("input_tokens").asLong()).sum();
          if (total == tokensByName.values().stream().mapToLong(Long::longValue).sum()) {
            break;
          }
          Thread.sleep(500);
        }

        ObjectNode expected = JSON.createObjectNode();
        ObjectNode names = expected.putObject("names");
        tokensByName.forEach(names::put);
        ObjectNode scoped = expected.putObject("scopedNames");
        tokensByName.forEach(
            (name, tokens) -> {
              if (name.startsWith("team-a/")) {
                scoped.put(name, tokens);
              }
            });
        ObjectNode models = expected.putObject("models");
        requestsByModel.forEach(models::put);
        expected.putObject("codes").put("invalid_json", 1);
        ObjectNode count = expected.putObject("count");
        count.put("model", sent[0][1]);
        count.put(
            "body",
            JSON.writeValueAsString(
                Map.of("messages", List.of(Map.of("role", "user", "content", sent[0][2])))));
        count.put("tokens", firstCount);

        Path shots = Path.of("target", "console");
        ProcessBuilder node =
            new ProcessBuilder("node", SCRIPT.toString()).redirectErrorStream(true);
        node.environment().put("CONSOLE_URL", "http://localhost:" + port + "/");
        node.environment().put("FULL_KEY", FULL_KEY);
        node.environment().put("NAMES_KEY", TEAM_A_KEY);
        node.environment().put("EXPECTED", expected.toString());
        node.environment().put("SCREENSHOT_DIR", shots.toAbsolutePath().toString());
        Process process = node.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(180, TimeUnit.SECONDS)).as(output).isTrue();
        System.out.println("console browser test:\n" + output);
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(shots.resolve("console.png")).exists();
        assertThat(shots.resolve("console-phone.png")).exists();
      }
    }
  }
}
