package dev.tokentally.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.anthropic.client.AnthropicClient;
import com.anthropic.errors.BadRequestException;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.TextBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.Client;
import com.google.genai.errors.ClientException;
import com.google.genai.types.Content;
import com.google.genai.types.CountTokensResponse;
import com.google.genai.types.Part;
import dev.tokentally.counting.BodyOrigin;
import dev.tokentally.counting.CountOutcome;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.counting.SyntheticPng;
import dev.tokentally.metrics.LabelValues;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.testing.PdfRequests;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * The count endpoints on a running server, called by the vendors' own SDKs with only the base URL
 * changed. Expected counts are the vendors' published ones (src/test/resources/fixtures).
 */
class CountEndpointsTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final int MAX_BODY = 256 * 1024;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static PrometheusMeterRegistry registry;
  private static RequestCounting counting;
  private static HttpService server;
  private static String base;

  @BeforeAll
  static void start() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    counting = RequestCounting.withDefaults();
    server =
        HttpService.start(
            new HttpSettings(0, MAX_BODY, 8),
            counting,
            new RequestMetrics(registry, List.of(), new LabelValues(List.of(), 10, 64)),
            null,
            Health.UP,
            registry);
    base = "http://localhost:" + server.port();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static AnthropicClient anthropic(String prefix) {
    return VendorSdks.anthropic(base + prefix, "sk-ant-test-not-a-real-key");
  }

  private static Client gemini(String prefix) {
    return VendorSdks.gemini(base + prefix, "AIza-test-not-a-real-key");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/anthropic", "/v3/compat"})
  void anthropicSdkCountsThePublishedNumbers(String prefix) {
    AnthropicClient client = anthropic(prefix);
    long withSystem = VendorSdks.scientist(client);
    // anthropic-pydantic-2plus2: 16, content as a list of text blocks
    long blocks =
        client
            .messages()
            .countTokens(
                MessageCountTokensParams.builder()
                    .model("claude-sonnet-4-5")
                    .addUserMessageOfContentBlockParams(
                        List.of(
                            ContentBlockParam.ofText(
                                TextBlockParam.builder().text("What is 2 + 2?").build())))
                    .build())
            .inputTokens();

    assertThat(withSystem).isEqualTo(14);
    // Claude 4 text is calibrated (README: within 2 tokens of the published count), and the
    // endpoint must give exactly what the stream gives for the same body.
    assertThat(blocks)
        .isCloseTo(16L, within(2L))
        .isEqualTo(
            streamCount(
                "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":"
                    + "[{\"type\":\"text\",\"text\":\"What is 2 + 2?\"}]}]}"));
  }

  @Test
  void anthropicSdkSeesUnknownModelsAsBadRequests() {
    assertThatThrownBy(
            () ->
                anthropic("")
                    .messages()
                    .countTokens(
                        MessageCountTokensParams.builder()
                            .model("gemini-2.5-flash")
                            .addUserMessage("hi")
                            .build()))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.statusCode()).isEqualTo(400);
              assertThat(e.body().toString()).contains("unknown_model");
            });
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "/v3/compat"})
  void geminiSdkCountsThePublishedNumbers(String prefix) {
    // gemini-cookbook-2.0-highest-mountain: 10
    CountTokensResponse text =
        gemini(prefix)
            .models
            .countTokens("gemini-2.0-flash", "What's the highest mountain in Africa?", null);

    assertThat(text.totalTokens()).contains(10);
  }

  @Test
  void geminiCountsTextAndImagesAndSplitsThemByModality() throws Exception {
    // gemini-cookbook-2.0-text-plus-image: 265. Gemini 2.0 counts every image as 258 whatever its
    // size, so a generated PNG stands in for the cookbook's organ.jpg.
    byte[] png = SyntheticPng.of(640, 480);
    Content content =
        Content.fromParts(
            Part.fromText("Tell me about this instrument"), Part.fromBytes(png, "image/png"));

    CountTokensResponse response =
        gemini("").models.countTokens("gemini-2.0-flash", List.of(content), null);
    // The Java SDK drops promptTokensDetails, so read the same request's answer as JSON.
    HttpResponse<String> raw =
        post(
            "/v1beta/models/gemini-2.0-flash:countTokens",
            "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Tell me about this"
                + " instrument\"},{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\""
                + Base64.getEncoder().encodeToString(png)
                + "\"}}]}]}");
    JsonNode json = MAPPER.readTree(raw.body());

    assertThat(response.totalTokens()).contains(265);
    assertThat(json.get("totalTokens").asInt()).isEqualTo(265);
    assertThat(modalities(json)).containsExactly(Map.entry("TEXT", 7), Map.entry("IMAGE", 258));
  }

  @Test
  void geminiSdkSeesUnknownModelsAsClientErrors() {
    assertThatThrownBy(() -> gemini("").models.countTokens("claude-sonnet-4-5", "hi", null))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(400));
  }

  /** The count the stream would put on an enriched record for this body. */
  private static long streamCount(String body) {
    var counted =
        (CountOutcome.Counted)
            counting.count(body.getBytes(StandardCharsets.UTF_8), new BodyOrigin.Record(null));
    return counted.count().total();
  }

  private static Map<String, Integer> modalities(JsonNode response) {
    Map<String, Integer> out = new LinkedHashMap<>();
    response
        .get("promptTokensDetails")
        .forEach(m -> out.put(m.get("modality").asText(), m.get("tokenCount").asInt()));
    return out;
  }

  @Test
  void invalidJsonIsA400WithTheErrorResponseShape() throws Exception {
    HttpResponse<String> response = post("/v1/messages/count_tokens", "{\"model\":");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = MAPPER.readTree(response.body());
    assertThat(body.at("/error/code").asText()).isEqualTo("invalid_json");
    assertThat(body.at("/error/message").asText()).contains("not valid JSON");
    assertThat(body.at("/error/details/line").asInt()).isEqualTo(1);
    assertThat(body.at("/meta/status").asInt()).isEqualTo(400);
  }

  @Test
  void invalidRequestNamesTheFieldThatIsWrong() throws Exception {
    HttpResponse<String> response =
        post(
            "/v1beta/models/gemini-2.5-flash:countTokens",
            """
            {"contents":"nope"}""");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = MAPPER.readTree(response.body());
    assertThat(body.at("/error/code").asText()).isEqualTo("invalid_request");
    assertThat(body.at("/error/details/path").asText()).isEqualTo("$.contents");
  }

  @Test
  void nestingBeyondTheLimitIsRefusedBeforeItIsWalked() throws Exception {
    String deep = "[".repeat(1000) + "]".repeat(1000);
    HttpResponse<String> response =
        post(
            "/v1/messages/count_tokens",
            "{\"model\":\"claude-sonnet-4-5\",\"messages\":" + deep + "}");

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = MAPPER.readTree(response.body());
    assertThat(body.at("/error/code").asText()).isEqualTo("invalid_json");
    assertThat(body.at("/error/details/max_nesting_depth").asInt()).isEqualTo(128);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/v1/messages", "/v1beta/models/gemini-2.5-flash:generateContent", "/nowhere"})
  void pathsThatAreNotCountEndpointsAre404(String path) throws Exception {
    HttpResponse<String> post = post(path, "{}");
    HttpResponse<String> get =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.ofString());

    for (HttpResponse<String> response : List.of(post, get)) {
      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(MAPPER.readTree(response.body()).at("/error/code").asText())
          .isEqualTo("not_found");
    }
  }

  @Test
  void bodiesOverTheLimitAre413WhetherDeclaredOrStreamed() throws Exception {
    String big =
        "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "x".repeat(MAX_BODY)
            + "\"}]}";
    HttpResponse<String> declared = post("/v1/messages/count_tokens", big);
    // No Content-Length: the limit must hold while reading a chunked body too.
    HttpResponse<String> chunked =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/v1/messages/count_tokens"))
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes(StandardCharsets.UTF_8))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    String justUnder =
        "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\""
            + "word ".repeat((MAX_BODY - 100) / 5)
            + "\"}]}";

    for (HttpResponse<String> response : List.of(declared, chunked)) {
      assertThat(response.statusCode()).isEqualTo(413);
      JsonNode body = MAPPER.readTree(response.body());
      assertThat(body.at("/error/code").asText()).isEqualTo("payload_too_large");
      assertThat(body.at("/error/details/max_bytes").asLong()).isEqualTo(MAX_BODY);
    }
    assertThat(post("/v1/messages/count_tokens", justUnder).statusCode()).isEqualTo(200);
  }

  @Test
  void credentialsInHeadersAndBodiesReachNoLogLine() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      String body =
          "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
              + "\"custom_model_credentials\":{\"api_key\":\"body-secret-4711\"}}";
      for (String path :
          List.of("/v1/messages/count_tokens", "/v1/messages", "/v1/messages/count_tokens?x=1")) {
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .header("x-api-key", "header-secret-4711")
                .header("authorization", "Bearer header-secret-4712")
                .header("x-goog-api-key", "header-secret-4713")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
      }
      post("/v1/messages/count_tokens", body.replace("}]", "]"));
      // Proves the capture sees this process's log lines, so the assertion below can fail.
      LoggerFactory.getLogger(HttpService.class).warn("capture-canary");
    } finally {
      System.setErr(original);
    }
    String scrape = registry.scrape();

    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("capture-canary")
        .doesNotContain("secret-471");
    assertThat(scrape).doesNotContain("secret-471");
  }

  @Test
  void countsAreTimedInTheMetrics() throws Exception {
    double before = count("http");
    IntStream.range(0, 3)
        .forEach(
            i -> {
              try {
                post(
                    "/v1/messages/count_tokens",
                    """
                    {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]}""");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    assertThat(count("http") - before).isEqualTo(3);
    assertThat(
            registry
                .find("tokentally.http.requests")
                .tags("route", "count", "status", "200")
                .timer()
                .count())
        .isGreaterThanOrEqualTo(3);
  }

  private static double count(String source) {
    var timer = registry.find("tokentally.count.duration").tag("source", source).timer();
    return timer == null ? 0 : timer.count();
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("content-type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void countsThePdfThatOnceOverflowedTheStack() throws Exception {
    HttpResponse<String> response =
        post(
            "/v1/messages/count_tokens",
            new String(
                PdfRequests.anthropicDocument(PdfRequests.poisonPill()), StandardCharsets.UTF_8));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(MAPPER.readTree(response.body()).get("input_tokens").asLong()).isGreaterThan(10_000);
  }

  @Test
  void theConsoleCountGivesTheStreamsNumberWithHowItWasMade() throws Exception {
    String body =
        "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":"
            + "\"Hello, Claude\"}]}";
    CountOutcome.Counted stream =
        (CountOutcome.Counted)
            counting.count(body.getBytes(StandardCharsets.UTF_8), new BodyOrigin.Record(null));

    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/count"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode answer = MAPPER.readTree(r.body());
    assertThat(answer.path("input_tokens").asInt()).isEqualTo(stream.count().total());
    assertThat(answer.path("count_method").asText()).isEqualTo("calibrated");
    assertThat(answer.path("count_error_pct").isNumber()).isTrue();
    assertThat(answer.path("breakdown").path("messages").asInt()).isPositive();

    HttpResponse<String> invalid =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/count"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"claude-sonnet-4-5\",\"messages\":{}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(MAPPER.readTree(invalid.body()).at("/error/code").asText())
        .isEqualTo("invalid_request");
  }

  @Test
  void theConsoleFilesAreServedWithAStrictPolicyAndNothingElseIs() throws Exception {
    HttpResponse<String> page =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(base + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-type").orElse("")).startsWith("text/html");
    assertThat(page.headers().firstValue("content-security-policy").orElse(""))
        .contains("default-src 'none'", "script-src 'self'");
    assertThat(page.body()).contains("/console/console.js");
    for (String missing : List.of("/console/nope.js", "/console/..%2Fapplication.properties")) {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(base + missing)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(missing).isEqualTo(404);
    }
  }
}
