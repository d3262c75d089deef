package dev.tokentally.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.MixedWorkload;
import dev.tokentally.testing.OutputProgress;
import dev.tokentally.testing.PacedProducer;
import dev.tokentally.testing.PerClassBroker;
import dev.tokentally.testing.UsageAnswer;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenario 3 (docs/reliability.md): two instances share the input partitions with one
 * standby replica each; one is SIGKILLed while records flow. The survivor takes over every
 * partition, nothing is lost or doubled, and its usage queries answer for every model and name with
 * the totals the input says.
 *
 * <p>CI: 20,000 records at 2,000/s. Full size: {@code ./mvnw verify -Preliability-full}
 * (docs/reliability.md).
 */
class FailoverIT {
  private static final int RECORDS =
      Integer.getInteger("tokentally.reliability.failover.records", 20_000);
  private static final int RATE = Integer.getInteger("tokentally.reliability.failover.rate", 2_000);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @TempDir Path workDir;

  private Map<String, String> instance(String appId, String name, int port) {
    Map<String, String> env =
        AppEnvironment.on(broker.bootstrapServers(), appId, workDir.resolve("state-" + name));
    env.put("KAFKA_NUM_STANDBY_REPLICAS", "1");
    env.put("KAFKA_APPLICATION_SERVER", "localhost:" + port);
    env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
    // Directories of tasks an instance no longer holds go after 2 s instead of 10 min, so its state
    // directory shows what it holds now.
    env.put("KAFKA_STATE_CLEANUP_DELAY_MS", "2000");
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
    env.put("TOKENTALLY_TOPICS_PARTITIONS", "4");
    return env;
  }

  @Test
  void survivorTakesOverAndAnswersEveryUsageQueryWithTheInputTotals() throws Exception {
    String appId = "tokentally-failover-" + UUID.randomUUID().toString().substring(0, 8);
    int portA = FreePort.find();
    int portB = FreePort.find();
    Map<String, String> envA = instance(appId, "a", portA);
    AppConfig config = ConfigLoader.load(null, envA);
    MixedWorkload workload = MixedWorkload.generate(RECORDS, config.topics());
    String survivor = "http://localhost:" + portA;

    try (ChildApp a = new ChildApp("a", workDir, "512m", envA).start(Duration.ofSeconds(60));
        ChildApp b =
            new ChildApp("b", workDir, "512m", instance(appId, "b", portB))
                .start(Duration.ofSeconds(60))) {
      // Both must own active tasks before the kill, or killing b proves nothing.
      awaitAnsweredByBoth(survivor + "/usage/models", portA, portB);
      long outAtKill;
      long catchUpMs;
      int standbyTasks;
      try (PacedProducer producer =
              PacedProducer.start(broker.bootstrapServers(), workload.records(), RATE);
          OutputProgress progress =
              new OutputProgress(
                  broker.bootstrapServers(),
                  List.of(config.topics().enriched(), config.topics().deadLetter()))) {
        progress.awaitAtLeast(RECORDS * 4L / 10, Duration.ofSeconds(300));
        // With one standby each, both instances keep state for every task: their own as active,
        // the other's as standby. Without standbys each would hold only its own half.
        Map<String, String> envB = instance(appId, "b", portB);
        Instant deadline = Instant.now().plusSeconds(60);
        while (!taskDirs(envA).equals(taskDirs(envB))) {
          assertThat(Instant.now())
              .as("a holds b's tasks as standbys: a=%s b=%s", taskDirs(envA), taskDirs(envB))
              .isBefore(deadline);
          Thread.sleep(500);
        }
        standbyTasks = taskDirs(envA).size();
        b.kill();
        outAtKill = progress.count();
        // b's partitions stall until the group notices; a's keep flowing. Wait for output beyond
        // what a alone could have written from its own partitions' share.
        progress.awaitAtLeast(outAtKill + 1, Duration.ofSeconds(120));
        producer.awaitDone();
        assertThat(producer.sent()).isEqualTo(RECORDS);
        long allSent = System.nanoTime();
        progress.awaitAtLeast(RECORDS, Duration.ofSeconds(300));
        catchUpMs = (System.nanoTime() - allSent) / 1_000_000;
      }
      MixedWorkload.Totals totals =
          workload.verify(broker.bootstrapServers(), Duration.ofSeconds(600));
      assertThat(a.isAlive()).isTrue();

      // The survivor alone answers, for every key, with the input's totals.
      UsageAnswer models = get(survivor + "/usage/models");
      assertThat(models.answeredBy()).containsExactly("localhost:" + portA);
      assertThat(render(models, "model")).isEqualTo(totals.byModel());
      assertThat(render(get(survivor + "/usage/names"), "name")).isEqualTo(totals.byName());
      for (String model : totals.byModel().keySet()) {
        assertThat(render(get(survivor + "/usage/models/" + encode(model)), "model"))
            .isEqualTo(Map.of(model, totals.byModel().get(model)));
      }
      for (String name : totals.byName().keySet()) {
        assertThat(render(get(survivor + "/usage/names/" + encode(name)), "name"))
            .isEqualTo(Map.of(name, totals.byName().get(name)));
      }
      System.out.printf(
          "failover: %d records, instance b SIGKILLed at %d records out (survivor held state for all"
              + " %d tasks); last record out %.1f s after the last was sent; survivor answered %d"
              + " models and %d names with the input's totals%n",
          RECORDS,
          outAtKill,
          standbyTasks,
          catchUpMs / 1000.0,
          totals.byModel().size(),
          totals.byName().size());
      assertThat(a.stop()).isZero();
    }
  }

  /** Task directories (e.g. {@code 0_1}) in an instance's state directory: active and standby. */
  private static Set<String> taskDirs(Map<String, String> env) throws IOException {
    Path dir = Path.of(env.get("KAFKA_STATE_DIR"), env.get("KAFKA_APPLICATION_ID"));
    try (Stream<Path> entries = Files.list(dir)) {
      return entries
          .map(p -> p.getFileName().toString())
          .filter(n -> n.matches("\\d+_\\d+"))
          .collect(Collectors.toSet());
    }
  }

  private static Map<String, String> render(UsageAnswer answer, String field) {
    Map<String, String> out = new HashMap<>();
    for (JsonNode r : answer.records()) {
      assertThat(r.get("window").asText()).isEqualTo("all");
      assertThat(out.put(r.get(field).asText(), MixedWorkload.Totals.render(r))).isNull();
    }
    return out;
  }

  private static void awaitAnsweredByBoth(String url, int portA, int portB) throws Exception {
    Instant deadline = Instant.now().plusSeconds(120);
    List<String> both = List.of("localhost:" + portA, "localhost:" + portB);
    while (!get(url).answeredBy().containsAll(both)) {
      assertThat(Instant.now()).as("both instances active").isBefore(deadline);
      Thread.sleep(500);
    }
  }

  private static UsageAnswer get(String url) throws Exception {
    return UsageAnswer.get(url, Duration.ofSeconds(120));
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
