package dev.tokentally.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokentally.testing.AppEnvironment;
import dev.tokentally.testing.KafkaBackend;
import dev.tokentally.testing.MixedWorkload;
import dev.tokentally.testing.TopicIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole application against a real broker with exactly-once on: 100,000 mixed records with
 * unique ids (both record forms, valid and invalid), and each comes out exactly once on the
 * enriched or the dead-letter topic, with the right content; the all-time usage totals equal what
 * is computed here from the input alone. Subclasses supply the broker (in-process KRaft here; a
 * container where Docker runs).
 */
abstract class EndToEndContract {
  private static final int RECORDS = Integer.getInteger("tokentally.e2e.records", 100_000);
  @TempDir Path stateDir;

  protected abstract KafkaBackend backend();

  @Test
  void writesEveryRecordExactlyOnceAndCountEachAcceptedOneOnceInTheUsageTotals() {
    String bootstrap = backend().bootstrapServers();
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = AppEnvironment.on(bootstrap, "tokentally-it-" + suffix, stateDir);
    env.put("TOKENTALLY_HTTP_PORT", "0");
    AppConfig config = ConfigLoader.load(null, env);
    MixedWorkload workload = MixedWorkload.generate(RECORDS, config.topics());

    try (Application app = Application.start(config)) {
      TopicIo.send(bootstrap, workload.records());
      workload.verify(bootstrap, Duration.ofSeconds(300));
      assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }
  }
}
