package dev.tokentally.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokentally.access.AccessSettings;
import dev.tokentally.calibration.CalibrationSettings;
import dev.tokentally.config.ConfigException;
import dev.tokentally.http.HttpSettings;
import dev.tokentally.http.TlsSettings;
import dev.tokentally.metrics.MetricLabels;
import dev.tokentally.reconcile.ReconcileSettings;
import dev.tokentally.topology.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void usesBuiltInDefaultsWhenNothingIsConfigured() {
    AppConfig config = ConfigLoader.load(null, Map.of());

    assertThat(config.topics())
        .isEqualTo(
            new Topics(
                "llm.requests",
                "llm.requests.enriched",
                "llm.requests.dlq",
                "llm.usage.by-model",
                "llm.usage.by-name",
                "llm.usage.by-name-model",
                "llm.responses",
                "llm.requests.reconciled",
                "llm.calibration"));
    assertThat(config.calibration()).isEqualTo(new CalibrationSettings(false, 500, 50, 10, 50));
    assertThat(config.reconcile())
        .isEqualTo(new ReconcileSettings(true, Duration.ofHours(1), Duration.ofMinutes(5)));
    assertThat(config.usage().windows())
        .containsExactly(Duration.ofMinutes(1), Duration.ofHours(1));
    assertThat(config.usage().emitFinal()).isFalse();
    assertThat(config.requestMaxBytes()).isEqualTo(8 * 1024 * 1024);
    assertThat(config.limits().budgets()).isEmpty();
    assertThat(config.http())
        .isEqualTo(
            new HttpSettings(
                8080,
                32 * 1024 * 1024,
                16,
                new AccessSettings(false, null, null, 50, 100),
                TlsSettings.OFF));
    assertThat(config.http().access().exposure()).isEqualTo(AccessSettings.Exposure.LOOPBACK);
    assertThat(config.metrics()).isEqualTo(new MetricLabels(List.of(), 100, 64));
    assertThat(config.broker().port()).isEqualTo(9092);
    assertThat(config.broker().dataDir()).isEqualTo(Path.of("./data/kafka"));
    assertThat(config.kafka())
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("ensure.explicit.internal.resource.naming", "true")
        .doesNotContainKey("bootstrap.servers");
    assertThat(config.clusterConfigured()).isFalse();
  }

  @Test
  void letsFileOverrideDefaultsAndEnvironmentOverrideFile() throws IOException {
    Path file = dir.resolve("tokentally.properties");
    Files.writeString(
        file,
        """
        tokentally.http.port=9000
        tokentally.topic.dlq=from-file.dlq
        application.id=from-file
        num.stream.threads=2
        """);
    Map<String, String> env =
        Map.of(
            "TOKENTALLY_HTTP_PORT", "9100",
            "KAFKA_APPLICATION_ID", "from-env",
            "KAFKA_BOOTSTRAP_SERVERS", "broker:9092",
            "PATH", "/usr/bin");

    AppConfig config = ConfigLoader.load(file, env);

    assertThat(config.http().port()).isEqualTo(9100);
    assertThat(config.topics().deadLetter()).isEqualTo("from-file.dlq");
    assertThat(config.kafka())
        .containsEntry("application.id", "from-env")
        .containsEntry("num.stream.threads", "2")
        .containsEntry("bootstrap.servers", "broker:9092");
    assertThat(config.clusterConfigured()).isTrue();
  }

  @Test
  void ignoresKafkaLauncherVariablesThatAreNotClientSettings() {
    AppConfig config =
        ConfigLoader.load(null, Map.of("KAFKA_HEAP_OPTS", "-Xmx1g", "KAFKA_OPTS", "-Dx=y"));

    assertThat(config.kafka()).doesNotContainKeys("heap.opts", "opts");
  }

  @Test
  void rejectsUnknownApplicationKeysByName() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("TOKENTALLY_HTTP_PROT", "1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tokentally.http.prot");
  }

  @Test
  void rejectsMalformedNumbersWithTheKeyInTheMessage() {
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("TOKENTALLY_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tokentally.http.port");
    assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("TOKENTALLY_TOPICS_PARTITIONS", "0")))
        .hasMessageContaining("tokentally.topics.partitions");
  }

  @Test
  void readsShutdownTimeoutInMilliseconds() {
    AppConfig config = ConfigLoader.load(null, Map.of("TOKENTALLY_SHUTDOWN_TIMEOUT_MS", "2500"));

    assertThat(config.shutdownTimeout()).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void hidesSecretsWhenDescribingTheConfiguration() {
    AppConfig config =
        ConfigLoader.load(
            null,
            Map.of(
                "KAFKA_SASL_JAAS_CONFIG", "org.apache...PlainLoginModule password=\"s3cr3t\";",
                "KAFKA_SSL_KEY_PASSWORD", "hunter2"));

    assertThat(config.describe())
        .containsEntry("sasl.jaas.config", "[hidden]")
        .containsEntry("ssl.key.password", "[hidden]")
        .doesNotContainValue("hunter2");
  }

  @Test
  void mapsEnvironmentNamesToDottedKeys() {
    assertThat(ConfigLoader.envToKey("BOOTSTRAP_SERVERS")).isEqualTo("bootstrap.servers");
    assertThat(ConfigLoader.envToKey("TOKENTALLY_BROKER_DATA_DIR"))
        .isEqualTo("tokentally.broker.data.dir");
  }
}
