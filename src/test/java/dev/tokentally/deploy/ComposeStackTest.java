package dev.tokentally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.tokentally.access.AccessSettings;
import dev.tokentally.access.KeyRing;
import dev.tokentally.access.KeysFile;
import dev.tokentally.access.Scope;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of the container image and the compose stack without a Docker engine: the
 * files parse, everything they reference exists, and names, ports and addresses agree with the
 * application's real settings (read through {@link ConfigLoader}, as the container would).
 */
class ComposeStackTest {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final JsonNode COMPOSE = read("docker-compose.yml");

  private static JsonNode read(String file) {
    try {
      return YAML.readTree(Path.of(file).toFile());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode service(String name) {
    JsonNode service = COMPOSE.at("/services/" + name);
    assertThat(service.isMissingNode()).as("service " + name).isFalse();
    return service;
  }

  private static Map<String, String> env(JsonNode service) {
    Map<String, String> env = new HashMap<>();
    service
        .path("environment")
        .properties()
        .forEach(e -> env.put(e.getKey(), e.getValue().asText()));
    return env;
  }

  private static String kafkaVersion() throws IOException {
    Matcher m =
        Pattern.compile("<kafka.version>([^<]+)</kafka.version>")
            .matcher(Files.readString(Path.of("pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  @Test
  void servicesExistAndEveryFileTheyMountIsInTheRepository() throws IOException {
    List<String> names = new ArrayList<>();
    COMPOSE.get("services").fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "kafka", "topics", "tokentally", "sample-producer", "prometheus", "grafana");
    for (String name : names) {
      JsonNode s = service(name);
      if (s.has("image")) {
        assertThat(s.get("image").asText())
            .as(name + " pins its image")
            .matches("[^:]+:[0-9v][^:]*");
      }
      for (JsonNode volume : s.path("volumes")) {
        String source = volume.asText().split(":")[0];
        if (source.startsWith("./")) {
          assertThat(Path.of(source)).as(name + " mounts " + source).exists();
        } else {
          assertThat(COMPOSE.at("/volumes").has(source)).as("named volume " + source).isTrue();
        }
      }
      s.path("depends_on")
          .fieldNames()
          .forEachRemaining(d -> assertThat(names).as(name + " depends on").contains(d));
    }
    // Kafka is the version the application is built and tested against.
    for (String name : List.of("kafka", "topics", "sample-producer")) {
      assertThat(service(name).get("image").asText()).isEqualTo("apache/kafka:" + kafkaVersion());
    }
    assertThat(service("tokentally").get("build").asText()).isEqualTo(".");
    assertThat(Path.of("Dockerfile")).exists();
  }

  @Test
  void tokentallySettingsAreValidAndAgreeWithKafkaTopicsAndPrometheus() throws IOException {
    Map<String, String> env = env(service("tokentally"));
    // The same loader the container runs: a misspelt TOKENTALLY_* name fails here.
    AppConfig config = ConfigLoader.load(null, env);
    int port = config.http().port();
    assertThat(service("tokentally").get("ports").get(0).asText()).endsWith(":" + port);
    assertThat(config.kafka().get("application.server")).isEqualTo("tokentally:" + port);

    String bootstrap = config.kafka().get("bootstrap.servers");
    assertThat(env(service("kafka")).get("KAFKA_ADVERTISED_LISTENERS"))
        .contains("PLAINTEXT://" + bootstrap);
    assertThat(bootstrap).startsWith("kafka:");

    // The topics service creates exactly the application's topics, sized for its largest record.
    String script = Files.readString(Path.of("deploy/kafka/create-topics.sh"));
    List<String> created = new ArrayList<>();
    Matcher create = Pattern.compile("(?m)^create(?:_compacted)? (\\S+)").matcher(script);
    while (create.find()) {
      created.add(create.group(1));
    }
    var topics = config.topics();
    assertThat(created)
        .containsExactlyInAnyOrder(
            topics.requests(),
            topics.enriched(),
            topics.deadLetter(),
            topics.usageByModel(),
            topics.usageByName(),
            topics.usageByNameModel(),
            topics.responses(),
            topics.reconciled(),
            topics.calibration());
    // Reconciliation joins without a repartition, so responses need the requests' partitions.
    Matcher partitions =
        Pattern.compile(
                "(?m)^create "
                    + Pattern.quote(topics.requests())
                    + " (\\d+) [\\s\\S]*^create "
                    + Pattern.quote(topics.responses())
                    + " (\\d+) ")
            .matcher(script);
    assertThat(partitions.find()).isTrue();
    assertThat(partitions.group(2)).isEqualTo(partitions.group(1));
    long maxRecord = 2L * config.requestMaxBytes() + (1 << 20);
    assertThat(script).contains("MAX_BYTES=" + maxRecord);
    assertThat(env).containsEntry("TOKENTALLY_TOPICS_CREATE", "false");
    assertThat(service("sample-producer").toString()).contains("--topic " + topics.requests());

    JsonNode prometheus = read("deploy/prometheus/prometheus.yml");
    JsonNode job = prometheus.at("/scrape_configs/0");
    assertThat(job.get("metrics_path").asText()).isEqualTo("/metrics");
    assertThat(job.at("/static_configs/0/targets/0").asText()).isEqualTo("tokentally:" + port);
    // The alert rules are the chart's file, mounted where prometheus.yml loads them.
    String rules = prometheus.at("/rule_files/0").asText();
    assertThat(service("prometheus").get("volumes").toString())
        .contains("./helm/tokentally/files/tokentally-alerts.yml:" + rules + ":ro");

    // Keys are required, from the demo file the service mounts, and Prometheus scrapes with a key
    // of that file that has the metrics scope.
    assertThat(config.http().access().exposure()).isEqualTo(AccessSettings.Exposure.KEYS);
    String mounted = "./deploy/tokentally/demo-keys:" + config.http().access().keysFile() + ":ro";
    assertThat(service("tokentally").get("volumes").toString()).contains(mounted);
    KeyRing demo =
        KeyRing.of(KeysFile.parse(Files.readString(Path.of("deploy/tokentally/demo-keys"))));
    assertThat(job.at("/authorization/type").asText()).isEqualTo("Bearer");
    assertThat(demo.match(job.at("/authorization/credentials").asText()).orElseThrow().scopes())
        .contains(Scope.METRICS);

    JsonNode datasource = read("deploy/grafana/provisioning/datasources/prometheus.yml");
    assertThat(datasource.at("/datasources/0/url").asText())
        .isEqualTo(
            "http://prometheus:"
                + service("prometheus").get("ports").get(0).asText().split(":")[1]);
    JsonNode provider = read("deploy/grafana/provisioning/dashboards/dashboards.yml");
    String dashboards = provider.at("/providers/0/options/path").asText();
    assertThat(service("grafana").get("volumes").toString())
        .contains("./deploy/grafana/dashboards:" + dashboards);
    assertThat(Path.of("deploy/grafana/dashboards/tokentally.json")).exists();
  }

  @Test
  void dockerfileBuildsWithTheWrapperAndRunsAsNonRootWithAHealthCheck() throws IOException {
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    AppConfig defaults = ConfigLoader.load(null, Map.of());
    assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:17-jdk AS build$");
    assertThat(dockerfile).containsPattern("(?m)^FROM eclipse-temurin:17-jre$");
    assertThat(dockerfile).contains("RUN ./mvnw -q -B package");
    assertThat(dockerfile).contains("COPY --from=build /src/target/tokentally.jar");
    assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>tokentally</finalName>");
    Matcher user = Pattern.compile("(?m)^USER (\\S+)$").matcher(dockerfile);
    assertThat(user.find()).isTrue();
    assertThat(user.group(1)).doesNotStartWith("0").isNotEqualTo("root");
    assertThat(dockerfile).contains("EXPOSE " + defaults.http().port());
    assertThat(dockerfile).contains("TOKENTALLY_HTTP_PORT=" + defaults.http().port());
    assertThat(dockerfile).containsPattern("HEALTHCHECK[\\s\\S]*/health/ready");
    assertThat(dockerfile).contains("MaxRAMPercentage");
    // Everything the build stage copies exists.
    Matcher copy = Pattern.compile("(?m)^COPY (?!--)(.+) \\S+$").matcher(dockerfile);
    while (copy.find()) {
      for (String source : copy.group(1).split(" ")) {
        assertThat(Path.of(source)).as("COPY " + source).exists();
      }
    }
  }
}
