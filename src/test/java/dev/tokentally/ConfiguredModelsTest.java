package dev.tokentally;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.Cli;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.app.Wiring;
import dev.tokentally.http.Health;
import dev.tokentally.http.HttpService;
import dev.tokentally.http.HttpSettings;
import dev.tokentally.testing.RecordSchemas;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One configuration everywhere: a model that only a user models file defines counts the same in the
 * stream, over HTTP and with {@code count}, whether the file is named in {@code --config} or in the
 * environment; without it, all of them refuse the model.
 */
class ConfiguredModelsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String BODY =
      "{\"model\":\"acme-claude-x\",\"system\":\"You are a scientist\","
          + "\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";

  @Test
  void aModelOnlyInAUserModelsFileCountsInTheStreamOverHttpAndOffline(@TempDir Path dir)
      throws Exception {
    Path models =
        Files.writeString(
            dir.resolve("models.json"),
            "{\"models\":[{\"id\":\"acme-claude-x\",\"family\":\"claude-4\","
                + "\"context_window\":100000,\"max_output\":4096,\"prices\":[]}]}");
    Path config =
        Files.writeString(dir.resolve("tokentally.properties"), "tokentally.models.file=" + models);
    Path request = Files.writeString(dir.resolve("request.json"), BODY);

    JsonNode withConfigFlag =
        countCommand(List.of("--config", config.toString(), request.toString()), Map.of());
    JsonNode withEnvironment =
        countCommand(
            List.of(request.toString()), Map.of("TOKENTALLY_MODELS_FILE", models.toString()));
    int offline = withConfigFlag.get("input_tokens").asInt();
    assertThat(withConfigFlag.get("model").asText()).isEqualTo("acme-claude-x");
    assertThat(withEnvironment.get("input_tokens").asInt()).isEqualTo(offline);

    AppConfig app = ConfigLoader.load(config, Map.of());
    Wiring wiring = Wiring.of(app);
    assertThat(overHttp(wiring)).isEqualTo(offline);
    JsonNode enriched = inTheStream(wiring);
    assertThat(enriched.get("model").asText()).isEqualTo("acme-claude-x");
    assertThat(enriched.get("input_tokens").asInt()).isEqualTo(offline);
    assertThat(offline).isPositive();
  }

  @Test
  void withoutTheUserFileTheModelIsUnknownOffline(@TempDir Path dir) throws IOException {
    Path request = Files.writeString(dir.resolve("request.json"), BODY);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Cli.count(
            List.of(request.toString()),
            Map.of(),
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("\"code\":\"unknown_model\"");
  }

  private static JsonNode countCommand(List<String> args, Map<String, String> env)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Cli.count(
            args,
            env,
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return MAPPER.readTree(out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow());
  }

  private static int overHttp(Wiring wiring) throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (HttpService server =
        HttpService.start(
            new HttpSettings(0, 1 << 20, 4),
            wiring.counting(),
            wiring.metrics(),
            null,
            Health.UP,
            registry)) {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(
                              "http://localhost:" + server.port() + "/v1/messages/count_tokens"))
                      .POST(HttpRequest.BodyPublishers.ofString(BODY))
                      .header("content-type", "application/json")
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      assertThat(response.headers().firstValue("tokentally-count-error-pct")).isPresent();
      return MAPPER.readTree(response.body()).get("input_tokens").asInt();
    }
  }

  private static JsonNode inTheStream(Wiring wiring) {
    AppConfig app = wiring.config();
    var props = wiring.streamsProperties("unused:9092");
    try (TopologyTestDriver driver = new TopologyTestDriver(wiring.topology(props), props)) {
      driver
          .createInputTopic(
              app.topics().requests(), new ByteArraySerializer(), new ByteArraySerializer())
          .pipeInput("k".getBytes(StandardCharsets.UTF_8), BODY.getBytes(StandardCharsets.UTF_8));
      byte[] value =
          driver
              .createOutputTopic(
                  app.topics().enriched(), new ByteArrayDeserializer(), new ByteArrayDeserializer())
              .readValue();
      return RecordSchemas.ENRICHED.assertValid(value);
    }
  }
}
