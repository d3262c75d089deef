package dev.tokentally.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.tokentally.access.AccessSettings;
import dev.tokentally.app.ConfigLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The chart in {@code helm/tokentally}, linted and rendered by Helm's own code (helm-java, no
 * cluster), with assertions on the manifests: what Kubernetes would run, not what the templates
 * look like.
 */
class HelmChartTest {
  private static final Path CHART = Path.of("helm/tokentally");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Renders with the keys Secret every install needs unless authentication is turned off. */
  private static Map<String, JsonNode> render(Map<String, Object> values) throws IOException {
    Map<String, Object> all = new HashMap<>(values);
    if (!all.containsKey("http.authNone")) {
      all.putIfAbsent("http.keys.existingSecret", "acme-http");
    }
    return renderExactly(all);
  }

  private static Map<String, JsonNode> renderExactly(Map<String, Object> values)
      throws IOException {
    var template = new Helm(CHART).template().withName("acme").withNamespace("metering");
    values.forEach(template::set);
    Map<String, JsonNode> byKindAndName = new HashMap<>();
    try (JsonParser parser = YAML.getFactory().createParser(template.call())) {
      for (JsonNode doc : YAML.readValues(parser, JsonNode.class).readAll()) {
        if (doc != null && doc.has("kind")) {
          byKindAndName.put(
              doc.get("kind").asText() + "/" + doc.at("/metadata/name").asText(), doc);
        }
      }
    }
    return byKindAndName;
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new HashMap<>();
    container.get("env").forEach(e -> env.put(e.get("name").asText(), e));
    return env;
  }

  private static JsonNode pod(Map<String, JsonNode> manifests) {
    return manifests.get("StatefulSet/acme-tokentally").at("/spec/template/spec");
  }

  /** The variables with a literal value, as the container would see them. */
  private static Map<String, String> plainValues(Map<String, JsonNode> env) {
    Map<String, String> plain = new HashMap<>();
    env.forEach(
        (k, v) -> {
          if (v.has("value")) {
            plain.put(k, v.get("value").asText());
          }
        });
    return plain;
  }

  @Test
  void lintsCleanly() {
    LintResult lint = new Helm(CHART).lint().strict().call();
    assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
  }

  @Test
  void defaultsRenderAStatefulSetOfPeersWithStandbysProbesAndStableQueryAddresses()
      throws IOException {
    Map<String, JsonNode> manifests = render(Map.of());
    assertThat(manifests.keySet())
        .containsExactlyInAnyOrder(
            "StatefulSet/acme-tokentally",
            "Service/acme-tokentally",
            "Service/acme-tokentally-headless",
            "PodDisruptionBudget/acme-tokentally",
            "Job/acme-tokentally-topics-1");

    JsonNode sts = manifests.get("StatefulSet/acme-tokentally");
    assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(2);
    assertThat(sts.at("/spec/serviceName").asText()).isEqualTo("acme-tokentally-headless");
    assertThat(sts.at("/spec/template/spec/securityContext/runAsNonRoot").asBoolean()).isTrue();
    JsonNode container = sts.at("/spec/template/spec/containers/0");
    assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    assertThat(container.at("/startupProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(container.at("/volumeMounts/0/mountPath").asText())
        .isEqualTo("/var/lib/tokentally/data");
    assertThat(sts.at("/spec/volumeClaimTemplates/0/metadata/name").asText()).isEqualTo("data");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("1Gi");

    Map<String, JsonNode> env = env(container);
    assertThat(env.get("KAFKA_NUM_STANDBY_REPLICAS").get("value").asText()).isEqualTo("1");
    assertThat(env.get("KAFKA_APPLICATION_SERVER").get("value").asText())
        .isEqualTo("$(POD_NAME).acme-tokentally-headless.$(POD_NAMESPACE).svc.cluster.local:8080");
    assertThat(env.get("POD_NAME").at("/valueFrom/fieldRef/fieldPath").asText())
        .isEqualTo("metadata.name");
    assertThat(env.get("TOKENTALLY_HTTP_PORT").get("value").asText()).isEqualTo("8080");
    assertThat(env.get("KAFKA_STATE_DIR").get("value").asText())
        .startsWith("/var/lib/tokentally/data/");
    assertThat(env).doesNotContainKeys("KAFKA_SASL_JAAS_CONFIG", "TOKENTALLY_MODELS_FILE");

    // Every variable the chart sets is one the application accepts, with the value it renders.
    var config = ConfigLoader.load(null, plainValues(env));
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.topics().requests()).isEqualTo("llm.requests");
    assertThat(config.topicCreation().enabled()).isFalse();
    assertThat(config.kafka()).containsEntry("num.standby.replicas", "1");

    JsonNode headless = manifests.get("Service/acme-tokentally-headless");
    assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(headless.at("/spec/publishNotReadyAddresses").asBoolean()).isTrue();
    assertThat(manifests.get("Service/acme-tokentally").at("/spec/ports/0/port").asInt())
        .isEqualTo(8080);
    assertThat(
            manifests.get("PodDisruptionBudget/acme-tokentally").at("/spec/maxUnavailable").asInt())
        .isEqualTo(1);

    JsonNode job = manifests.get("Job/acme-tokentally-topics-1");
    String script = job.at("/spec/template/spec/containers/0/command/2").asText();
    for (String topic :
        List.of(
            "llm.requests ",
            "llm.requests.enriched ",
            "llm.requests.dlq ",
            "llm.usage.by-model ",
            "llm.usage.by-name ",
            "llm.usage.by-name-model ",
            "llm.responses ",
            "llm.requests.reconciled ")) {
      assertThat(script).contains("topic " + topic);
    }
    assertThat(script).contains("topic llm.requests.dlq 6 2592000000");
    assertThat(script).contains("--topic llm.calibration --partitions 1", "cleanup.policy=compact");
    // Helm prints large numbers as floats (1.7825792e+07) unless told otherwise; Kafka rejects
    // them.
    assertThat(script).contains("max.message.bytes=17825792").doesNotContain("e+");
  }

  @Test
  void refusesToRenderWithoutAKeysSecretAndMountsTheOneItIsGiven() throws IOException {
    assertThatThrownBy(() -> renderExactly(Map.of()))
        .hasMessageContaining("http.keys.existingSecret");
    assertThatThrownBy(() -> render(Map.of("serviceMonitor.enabled", "true")))
        .hasMessageContaining("serviceMonitor.keySecret.name");

    Map<String, JsonNode> manifests =
        render(Map.of("serviceMonitor.enabled", "true", "serviceMonitor.keySecret.name", "scrape"));
    JsonNode pod = pod(manifests);
    Map<String, JsonNode> env = env(pod.at("/containers/0"));
    assertThat(env.get("TOKENTALLY_HTTP_KEYS_FILE").get("value").asText())
        .isEqualTo("/etc/tokentally/http-keys/keys");
    assertThat(
            env.get("TOKENTALLY_HTTP_CLUSTER_SECRET").at("/valueFrom/secretKeyRef/name").asText())
        .isEqualTo("acme-http");
    assertThat(env.get("TOKENTALLY_HTTP_CLUSTER_SECRET").at("/valueFrom/secretKeyRef/key").asText())
        .isEqualTo("cluster-secret");
    assertThat(env).doesNotContainKey("TOKENTALLY_HTTP_AUTH");
    JsonNode keysVolume = null;
    for (JsonNode v : pod.get("volumes")) {
      if (v.get("name").asText().equals("http-keys")) {
        keysVolume = v;
      }
    }
    assertThat(keysVolume).isNotNull();
    assertThat(keysVolume.at("/secret/secretName").asText()).isEqualTo("acme-http");
    assertThat(keysVolume.at("/secret/items").toString())
        .as("only the keys file is mounted, not the cluster secret")
        .isEqualTo("[{\"key\":\"keys\",\"path\":\"keys\"}]");
    assertThat(pod.at("/containers/0/readinessProbe/httpGet/scheme").asText()).isEqualTo("HTTP");
    JsonNode monitor = manifests.get("ServiceMonitor/acme-tokentally");
    assertThat(monitor.at("/spec/endpoints/0/authorization/type").asText()).isEqualTo("Bearer");
    assertThat(monitor.at("/spec/endpoints/0/authorization/credentials/name").asText())
        .isEqualTo("scrape");
    // Every variable the chart sets is one the application accepts.
    assertThat(ConfigLoader.load(null, plainValues(env)).http().access().exposure())
        .isEqualTo(AccessSettings.Exposure.KEYS);

    Map<String, JsonNode> open = renderExactly(Map.of("http.authNone", "true"));
    Map<String, JsonNode> openEnv =
        env(open.get("StatefulSet/acme-tokentally").at("/spec/template/spec/containers/0"));
    assertThat(openEnv.get("TOKENTALLY_HTTP_AUTH").get("value").asText()).isEqualTo("none");
    assertThat(openEnv)
        .doesNotContainKeys("TOKENTALLY_HTTP_KEYS_FILE", "TOKENTALLY_HTTP_CLUSTER_SECRET");

    Map<String, JsonNode> tls =
        render(Map.of("http.tls.secretName", "acme-http-tls", "http.tls.clientAuth", "true"));
    JsonNode tlsPod = pod(tls);
    assertThat(
            env(tlsPod.at("/containers/0"))
                .get("TOKENTALLY_HTTP_TLS_KEYSTORE")
                .get("value")
                .asText())
        .isEqualTo("/etc/tokentally/http-tls/keystore.p12");
    assertThat(
            env(tlsPod.at("/containers/0"))
                .get("TOKENTALLY_HTTP_TLS_TRUSTSTORE_PASSWORD")
                .at("/valueFrom/secretKeyRef/name")
                .asText())
        .isEqualTo("acme-http-tls");
    for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
      assertThat(tlsPod.at("/containers/0/" + probe + "/httpGet/scheme").asText())
          .isEqualTo("HTTPS");
    }
    assertThat(tlsPod.at("/volumes").toString()).contains("acme-http-tls");
  }

  @Test
  void valuesTurnOnSecurityConfigMapsAndServiceMonitorAndScale() throws IOException {
    Map<String, Object> values = new HashMap<>();
    values.put("replicaCount", 4);
    values.put("kafka.numStandbyReplicas", 2);
    values.put("kafka.securityProtocol", "SASL_SSL");
    values.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
    values.put("kafka.sasl.jaasConfigSecret.name", "kafka-user");
    values.put("kafka.tls.secretName", "kafka-tls");
    values.put("kafka.tls.clientAuth", true);
    values.put("tokentally.limits.request_max_tokens.default", 150000);
    values.put("serviceMonitor.keySecret.name", "scrape");
    values.put("serviceMonitor.enabled", true);
    values.put("prometheusRule.enabled", true);
    values.put("prometheusRule.labels.release", "kube-prometheus-stack");
    values.put("topicsJob.enabled", false);
    Map<String, JsonNode> manifests = render(values);

    assertThat(manifests)
        .containsKeys("ServiceMonitor/acme-tokentally", "ConfigMap/acme-tokentally");
    assertThat(manifests).doesNotContainKey("Job/acme-tokentally-topics-1");
    JsonNode sts = manifests.get("StatefulSet/acme-tokentally");
    assertThat(sts.at("/spec/replicas").asInt()).isEqualTo(4);
    JsonNode container = sts.at("/spec/template/spec/containers/0");
    Map<String, JsonNode> env = env(container);
    assertThat(env.get("KAFKA_NUM_STANDBY_REPLICAS").get("value").asText()).isEqualTo("2");
    assertThat(env.get("KAFKA_SECURITY_PROTOCOL").get("value").asText()).isEqualTo("SASL_SSL");
    assertThat(env.get("KAFKA_SASL_MECHANISM").get("value").asText()).isEqualTo("SCRAM-SHA-512");
    // Credentials only by reference: the rendered manifests hold no secret value.
    assertThat(env.get("KAFKA_SASL_JAAS_CONFIG").at("/valueFrom/secretKeyRef/name").asText())
        .isEqualTo("kafka-user");
    assertThat(env.get("KAFKA_SSL_TRUSTSTORE_PASSWORD").at("/valueFrom/secretKeyRef/name").asText())
        .isEqualTo("kafka-tls");
    assertThat(env.get("KAFKA_SSL_KEYSTORE_LOCATION").get("value").asText())
        .isEqualTo("/etc/tokentally/kafka-tls/keystore.p12");
    assertThat(env.get("TOKENTALLY_LIMITS_FILE").get("value").asText())
        .isEqualTo("/etc/tokentally/config/limits.json");
    List<String> mounts = new ArrayList<>();
    container.get("volumeMounts").forEach(m -> mounts.add(m.get("mountPath").asText()));
    assertThat(mounts).contains("/etc/tokentally/config", "/etc/tokentally/kafka-tls");

    JsonNode limits =
        YAML.readTree(manifests.get("ConfigMap/acme-tokentally").at("/data/limits.json").asText());
    assertThat(limits.at("/request_max_tokens/default").asLong()).isEqualTo(150000);
    JsonNode monitor = manifests.get("ServiceMonitor/acme-tokentally");
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");

    // The PrometheusRule holds the very rules of the file compose mounts and promtool tests.
    JsonNode rule = manifests.get("PrometheusRule/acme-tokentally");
    assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
    JsonNode file = YAML.readTree(CHART.resolve("files/tokentally-alerts.yml").toFile());
    assertThat(rule.at("/spec/groups")).isEqualTo(file.get("groups"));
    assertThat(rule.at("/spec/groups/0/rules")).hasSize(5);
    assertThat(render(Map.of())).doesNotContainKey("PrometheusRule/acme-tokentally");
  }
}
