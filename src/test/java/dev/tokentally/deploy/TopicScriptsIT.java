package dev.tokentally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import dev.tokentally.testing.KraftTestKitBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compose stack's topic script and the Helm chart's topic Job, run for real against a real
 * broker, with Kafka's own {@code kafka-topics.sh} logic (TopicCommand) behind a shim: they create
 * the topics with the partitions, retention and size limit they promise, and a second run changes
 * nothing.
 */
class TopicScriptsIT {
  private static final long DAY = 86_400_000L;

  @TempDir Path bin;

  /** kafka-topics.sh as the Kafka image has it, backed by TopicCommand on this classpath. */
  private Path shim() throws IOException {
    Path script = bin.resolve("kafka-topics.sh");
    Files.writeString(
        script,
        "#!/bin/sh\nexec '"
            + Path.of(System.getProperty("java.home"), "bin", "java")
            + "' -cp '"
            + System.getProperty("java.class.path")
            + "' org.apache.kafka.tools.TopicCommand \"$@\"\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script;
  }

  private static void run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }

  private static void assertTopic(
      Admin admin, String topic, int partitions, long retentionMs, long maxBytes) throws Exception {
    TopicDescription description =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    assertThat(description.partitions()).as(topic).hasSize(partitions);
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
    assertThat(config.get("retention.ms").value()).as(topic).isEqualTo(String.valueOf(retentionMs));
    assertThat(config.get("max.message.bytes").value())
        .as(topic)
        .isEqualTo(String.valueOf(maxBytes));
  }

  private static void assertCompacted(Admin admin, String topic) throws Exception {
    TopicDescription description =
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    assertThat(description.partitions()).as(topic).hasSize(1);
    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
    assertThat(config.get("cleanup.policy").value()).as(topic).isEqualTo("compact");
  }

  @Test
  void composeTopicScriptCreatesTheTopicsItPromisesAndIsIdempotent() throws Exception {
    Path shim = shim();
    try (KraftTestKitBroker broker = KraftTestKitBroker.start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      Map<String, String> env =
          Map.of("BOOTSTRAP", broker.bootstrapServers(), "KAFKA_BIN", shim.getParent().toString());
      List<String> command = List.of("sh", "deploy/kafka/create-topics.sh");
      run(command, env);
      run(command, env); // --if-not-exists: a second run is a no-op
      assertTopic(admin, "llm.requests", 6, 7 * DAY, 17_825_792);
      assertTopic(admin, "llm.requests.enriched", 6, 7 * DAY, 17_825_792);
      assertTopic(admin, "llm.requests.dlq", 3, 30 * DAY, 17_825_792);
      for (String usage :
          List.of("llm.usage.by-model", "llm.usage.by-name", "llm.usage.by-name-model")) {
        assertTopic(admin, usage, 3, 30 * DAY, 17_825_792);
      }
      assertTopic(admin, "llm.responses", 6, 7 * DAY, 17_825_792);
      assertTopic(admin, "llm.requests.reconciled", 6, 30 * DAY, 17_825_792);
      assertCompacted(admin, "llm.calibration");
    }
  }

  @Test
  void helmTopicJobCreatesTheConfiguredTopics() throws Exception {
    Path shim = shim();
    try (KraftTestKitBroker broker = KraftTestKitBroker.start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      String manifests =
          new Helm(Path.of("helm/tokentally"))
              .template()
              .withName("acme")
              .set("kafka.bootstrapServers", broker.bootstrapServers())
              .set("kafka.replicationFactor", 1)
              .set("topicsJob.partitions", 2)
              .set("tokentally.topics.requests", "gateway.requests")
              .set("http.keys.existingSecret", "acme-http")
              .call();
      ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
      JsonNode job = null;
      try (var parser = yaml.getFactory().createParser(manifests)) {
        for (JsonNode doc : yaml.readValues(parser, JsonNode.class).readAll()) {
          if (doc != null && "Job".equals(doc.path("kind").asText())) {
            job = doc;
          }
        }
      }
      assertThat(job).isNotNull();
      JsonNode container = job.at("/spec/template/spec/containers/0");
      String script =
          container
              .at("/command/2")
              .asText()
              .replace("/opt/kafka/bin/kafka-topics.sh", shim.toString());
      Map<String, String> env = new HashMap<>();
      container.get("env").forEach(e -> env.put(e.get("name").asText(), e.get("value").asText()));
      // The Job writes its client settings to /tmp; keep this run's own.
      script =
          script.replace("/tmp/client.properties", bin.resolve("client.properties").toString());
      run(List.of("sh", "-c", script), env);
      run(List.of("sh", "-c", script), env);
      assertTopic(admin, "gateway.requests", 2, 7 * DAY, 17_825_792);
      assertTopic(admin, "llm.requests.dlq", 2, 30 * DAY, 17_825_792);
      assertTopic(admin, "llm.usage.by-name-model", 2, 30 * DAY, 17_825_792);
      assertTopic(admin, "llm.responses", 2, 7 * DAY, 17_825_792);
      assertTopic(admin, "llm.requests.reconciled", 2, 30 * DAY, 17_825_792);
      assertCompacted(admin, "llm.calibration");
      assertThat(Files.readString(bin.resolve("client.properties")))
          .contains("security.protocol=PLAINTEXT");
    }
  }
}
