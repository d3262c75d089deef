package dev.tokentally.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.MixedWorkload;
import dev.tokentally.testing.OutputProgress;
import dev.tokentally.testing.PacedProducer;
import dev.tokentally.testing.PerClassBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenario 1 (docs/reliability.md): the application is SIGKILLed at three random
 * moments while records flow, and restarted each time. Afterwards every id is on the enriched or
 * the dead-letter topic exactly once (read committed) and every all-time usage total equals what
 * the input alone says.
 *
 * <p>CI runs 20,000 records at 2,000/s; full size: {@code ./mvnw verify -Preliability-full}
 * (docs/reliability.md).
 */
class CrashLoopIT {
  private static final int RECORDS =
      Integer.getInteger("tokentally.reliability.crash.records", 20_000);
  private static final int RATE = Integer.getInteger("tokentally.reliability.crash.rate", 2_000);
  private static final long SEED = Long.getLong("tokentally.reliability.seed", 42);
  private static final int KILLS = 3;

  @RegisterExtension static final PerClassBroker broker = new PerClassBroker();

  @TempDir Path workDir;

  @Test
  void killedThreeTimesWhileRecordsFlowAndNothingIsLostOrDoubled() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    // The state directory is kept across restarts, as a persistent volume would be.
    Map<String, String> env =
        AppEnvironment.on(
            broker.bootstrapServers(), "tokentally-crash-" + suffix, workDir.resolve("state"));
    // A killed member never leaves the group; the broker's minimum session lets its partitions move
    // after 6 s instead of 45.
    env.put("KAFKA_SESSION_TIMEOUT_MS", "6000");
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(FreePort.find()));
    AppConfig config = ConfigLoader.load(null, env);
    MixedWorkload workload = MixedWorkload.generate(RECORDS, config.topics());
    Random random = new Random(SEED);

    try (ChildApp app = new ChildApp("tokentally", workDir, "512m", env)) {
      app.start(Duration.ofSeconds(60));
      PacedProducer producer =
          PacedProducer.start(broker.bootstrapServers(), workload.records(), RATE);

      // Each kill lands at a random point of the output: after a random share of the records came
      // out committed, so every kill interrupts processing, not an idle application.
      double[] at = random.doubles(KILLS, 0.1, 0.9).sorted().toArray();
      List<String> kills = new ArrayList<>();
      try (OutputProgress progress =
          new OutputProgress(
              broker.bootstrapServers(),
              List.of(config.topics().enriched(), config.topics().deadLetter()))) {
        for (int k = 0; k < KILLS; k++) {
          long target = (long) (at[k] * RECORDS);
          progress.awaitAtLeast(target, Duration.ofSeconds(300));
          app.kill();
          kills.add(
              String.format(
                  "kill %d at %d of %d records out, %d sent",
                  k + 1, progress.count(), RECORDS, producer.sent()));
          app.start(Duration.ofSeconds(90));
        }
      }
      producer.awaitDone();
      assertThat(producer.sent()).isEqualTo(RECORDS);

      workload.verify(broker.bootstrapServers(), Duration.ofSeconds(600));
      System.out.printf(
          "crash loop: %d records, %d SIGKILLs and restarts (%s), 0 duplicates, 0 lost%n",
          RECORDS, KILLS, String.join("; ", kills));
      assertThat(app.stop()).isZero();
    }
  }
}
