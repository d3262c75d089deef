package dev.tokentally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) started from a scrape
 * configuration, for tests that evaluate queries and rules the way users run them. Skips when the
 * binary is missing, unless {@code TOKENTALLY_REQUIRE_PROMTOOL} is set (CI installs the package).
 */
public final class PrometheusServer implements AutoCloseable {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final String base;
  private final HttpClient http = HttpClient.newHttpClient();

  private PrometheusServer(Process process, int port) {
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
  }

  /**
   * Starts Prometheus with {@code config} (a prometheus.yml), its first job pointed at {@code
   * target}, scraping and evaluating every second, and loading {@code rules}.
   */
  public static PrometheusServer start(Path config, String target, Path rules, Path workDir)
      throws IOException, InterruptedException {
    ObjectNode root = (ObjectNode) YAML.readTree(config.toFile());
    ObjectNode global = (ObjectNode) root.get("global");
    global.put("scrape_interval", "1s").put("evaluation_interval", "1s");
    root.putArray("rule_files").add(rules.toAbsolutePath().toString());
    ObjectNode job = (ObjectNode) root.get("scrape_configs").get(0);
    ((ObjectNode) job.get("static_configs").get(0)).putArray("targets").add(target);
    Path file = workDir.resolve("prometheus.yml");
    YAML.writeValue(file.toFile(), root);
    int port = FreePort.find();
    Process process;
    try {
      process =
          new ProcessBuilder(
                  "prometheus",
                  "--config.file=" + file,
                  "--storage.tsdb.path=" + workDir.resolve("data"),
                  "--web.listen-address=127.0.0.1:" + port)
              .redirectErrorStream(true)
              .redirectOutput(workDir.resolve("prometheus.log").toFile())
              .start();
    } catch (IOException e) {
      assertThat(System.getenv("TOKENTALLY_REQUIRE_PROMTOOL"))
          .as("prometheus is required but missing: " + e.getMessage())
          .isNull();
      Assumptions.abort("prometheus is not installed (apt-get install prometheus)");
      return null;
    }
    PrometheusServer server = new PrometheusServer(process, port);
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (server.get("/-/ready").statusCode() == 200) {
          return server;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    server.close();
    throw new AssertionError(
        "prometheus did not become ready: " + Files.readString(workDir.resolve("prometheus.log")));
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode api(String path) throws IOException, InterruptedException {
    HttpResponse<String> response = get(path);
    JsonNode body = JSON.readTree(response.body());
    assertThat(body.path("status").asText())
        .as("%s: %s", path, response.body())
        .isEqualTo("success");
    return body.get("data");
  }

  /** The result vector of an instant query. */
  public List<JsonNode> query(String promql) throws IOException, InterruptedException {
    JsonNode data = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    assertThat(data.path("resultType").asText()).as(promql).isEqualTo("vector");
    List<JsonNode> out = new ArrayList<>();
    data.get("result").forEach(out::add);
    return out;
  }

  /** Every rule Prometheus loaded, with its health after evaluation. */
  public List<JsonNode> rules() throws IOException, InterruptedException {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode group : api("/api/v1/rules").get("groups")) {
      group.get("rules").forEach(out::add);
    }
    return out;
  }

  /** The health of each scrape target ({@code up}, {@code down}, {@code unknown}). */
  public List<String> targetHealth() throws IOException, InterruptedException {
    List<String> out = new ArrayList<>();
    api("/api/v1/targets").get("activeTargets").forEach(t -> out.add(t.get("health").asText()));
    return out;
  }

  @Override
  public void close() {
    process.destroy();
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
