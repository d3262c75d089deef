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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reliability scenario 2 (docs/reliability.md): the broker (a child process on fixed ports and a
 * kept log directory) is stopped and restarted while records flow, alternately with SIGTERM and
 * SIGKILL. tokentally must ride it out by itself, without a restart, and lose or double nothing.
 *
 * <p>CI: 20,000 records at 1,000/s, two outages of 8 s. Full size: {@code ./mvnw verify
 * -Preliability-full} (docs/reliability.md).
 */
class BrokerRestartIT {
  private static final int RECORDS =
      Integer.getInteger("tokentally.reliability.broker.records", 20_000);
  private static final int RATE = Integer.getInteger("tokentally.reliability.broker.rate", 1_000);
  private static final long SEED = Long.getLong("tokentally.reliability.seed", 42);
  private static final int RESTARTS =
      Integer.getInteger("tokentally.reliability.broker.restarts", 2);
  private static final int OUTAGE_SECONDS =
      Integer.getInteger("tokentally.reliability.broker.outage.seconds", 8);

  @TempDir Path workDir;

  @Test
  void brokerRestartsWhileRecordsFlowAndTheAppRecoversWithNothingLostOrDoubled() throws Exception {
    ChildApp brokerProcess = ChildApp.broker("broker", workDir);
    String bootstrap = brokerProcess.bootstrapServers();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env =
        AppEnvironment.on(bootstrap, "tokentally-brk-" + suffix, workDir.resolve("state"));
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(FreePort.find()));
    AppConfig config = ConfigLoader.load(null, env);
    MixedWorkload workload = MixedWorkload.generate(RECORDS, config.topics());
    double[] at = new Random(SEED).doubles(RESTARTS, 0.1, 0.8).sorted().toArray();
    List<String> events = new ArrayList<>();

    try (ChildApp broker = brokerProcess.start(Duration.ofSeconds(60));
        ChildApp app =
            new ChildApp("tokentally", workDir, "512m", env).start(Duration.ofSeconds(60));
        PacedProducer producer = PacedProducer.start(bootstrap, workload.records(), RATE);
        OutputProgress progress =
            new OutputProgress(
                bootstrap, List.of(config.topics().enriched(), config.topics().deadLetter()))) {
      for (int r = 0; r < RESTARTS; r++) {
        progress.awaitAtLeast((long) (at[r] * RECORDS), Duration.ofSeconds(300));
        long outAtStop = progress.count();
        boolean kill = r % 2 == 1;
        if (kill) {
          broker.kill();
        } else {
          assertThat(broker.stop()).isZero();
        }
        Thread.sleep(OUTAGE_SECONDS * 1000L);
        assertThat(app.isAlive()).as("tokentally survives the broker outage").isTrue();
        broker.start(Duration.ofSeconds(120));
        long back = System.nanoTime();
        // Output moves again without anyone touching tokentally. The reader itself could not read
        // during the outage, so "more than before the stop" is the sign.
        progress.awaitAtLeast(Math.max(outAtStop, progress.count()) + 1, Duration.ofSeconds(180));
        events.add(
            String.format(
                "%s at %d of %d records out, %d s down, committed output growing %.1f s after the broker was back",
                kill ? "SIGKILL" : "SIGTERM",
                outAtStop,
                RECORDS,
                OUTAGE_SECONDS,
                (System.nanoTime() - back) / 1e9));
      }
      producer.awaitDone();
      assertThat(producer.sent()).isEqualTo(RECORDS);

      workload.verify(bootstrap, Duration.ofSeconds(600));
      assertThat(app.isAlive()).as("tokentally was never restarted").isTrue();
      System.out.printf(
          "broker restarts: %d records, %d restarts (%s), 0 duplicates, 0 lost, app never restarted%n",
          RECORDS, RESTARTS, String.join("; ", events));
      assertThat(app.stop()).isZero();
    }
  }
}
