package dev.tokentally.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.errors.UnauthorizedException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.genai.errors.ClientException;
import dev.tokentally.access.AccessSettings;
import dev.tokentally.access.KeysFile;
import dev.tokentally.access.Scope;
import dev.tokentally.access.Secrets;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.metrics.LabelValues;
import dev.tokentally.metrics.RequestMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may call what, on a running server: every guarded endpoint with no key, a wrong key, a key
 * without the scope and the right key; each place clients send keys; the vendors' SDKs with a
 * tokentally key; reloading keys; the rate limit; the loopback default. Nothing secret may show up
 * in the logs, the scrape or an error body.
 */
class HttpAccessTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static final String CLAUDE =
      """
      {"model":"claude-3-5-sonnet-20241022","system":"You are a scientist",
       "messages":[{"role":"user","content":"Hello, Claude"}]}""";
  static final String GEMINI =
      """
      {"contents":[{"role":"user","parts":[{"text":"What's the highest mountain in Africa?"}]}]}""";

  @TempDir static Path dir;
  static Path keysFile;
  static final Map<Scope, String> KEY_FOR = new java.util.EnumMap<>(Scope.class);
  static String allScopes;
  private static final List<String> bodies = new ArrayList<>();
  private static PrintStream originalErr;
  private static final ByteArrayOutputStream logs = new ByteArrayOutputStream();
  private static PrometheusMeterRegistry registry;
  private static HttpService server;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    originalErr = System.err;
    System.setErr(new PrintStream(new Tee(originalErr, logs), true, StandardCharsets.UTF_8));
    StringBuilder file = new StringBuilder("# test keys\n");
    for (Scope s : Scope.values()) {
      String key = Secrets.newKey();
      KEY_FOR.put(s, key);
      file.append(KeysFile.line(key, EnumSet.of(s), List.of(), s.id() + "-only")).append('\n');
    }
    allScopes = Secrets.newKey();
    file.append(KeysFile.line(allScopes, EnumSet.allOf(Scope.class), List.of(), "all"));
    keysFile = dir.resolve("keys");
    Files.writeString(keysFile, file + "\n");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    server = start(new AccessSettings(false, keysFile, "cluster-secret", 1_000, 1_000));
    base = "http://127.0.0.1:" + server.port();
  }

  static HttpService start(AccessSettings access) {
    return HttpService.start(
        new HttpSettings(0, 256 * 1024, 8, access, TlsSettings.OFF),
        RequestCounting.withDefaults(),
        new RequestMetrics(registry, List.of(), new LabelValues(List.of(), 10, 64)),
        null,
        Health.UP,
        registry);
  }

  @AfterAll
  static void stop() {
    server.close();
    System.setErr(originalErr);
    String everything = logs.toString(StandardCharsets.UTF_8) + registry.scrape() + bodies;
    List<String> secrets = new ArrayList<>(KEY_FOR.values());
    secrets.add(allScopes);
    for (String key : secrets) {
      assertThat(everything).doesNotContain(key).doesNotContain(Secrets.hex(Secrets.sha256(key)));
    }
    assertThat(everything).doesNotContain("cluster-secret");
  }

  record Endpoint(String method, String path, String body, Scope scope) {}

  static final List<Endpoint> GUARDED =
      List.of(
          new Endpoint("POST", "/v1/messages/count_tokens", CLAUDE, Scope.COUNT),
          new Endpoint("POST", "/anthropic/v1/messages/count_tokens", CLAUDE, Scope.COUNT),
          new Endpoint("POST", "/v1beta/models/gemini-2.0-flash:countTokens", GEMINI, Scope.COUNT),
          new Endpoint("GET", "/metrics", null, Scope.METRICS));

  static HttpResponse<String> call(String base, Endpoint e, String... headers) throws Exception {
    return call(base, e.method(), e.path(), e.body(), headers);
  }

  static HttpResponse<String> call(
      String base, String method, String path, String body, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path));
    if (headers.length > 0) {
      b.headers(headers);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    bodies.add(r.body());
    return r;
  }

  static String code(HttpResponse<String> r) throws Exception {
    return MAPPER.readTree(r.body()).path("error").path("code").asText();
  }

  @Test
  void answersEveryGuardedEndpoint401Then401Then403Then200() throws Exception {
    for (Endpoint e : GUARDED) {
      HttpResponse<String> none = call(base, e);
      assertThat(none.statusCode()).as(e.path() + " without a key").isEqualTo(401);
      assertThat(code(none)).isEqualTo("unauthorized");
      HttpResponse<String> wrong = call(base, e, "x-api-key", Secrets.newKey());
      assertThat(wrong.statusCode()).as(e.path() + " with a wrong key").isEqualTo(401);
      Scope other = e.scope() == Scope.COUNT ? Scope.USAGE : Scope.COUNT;
      HttpResponse<String> unscoped = call(base, e, "x-api-key", KEY_FOR.get(other));
      assertThat(unscoped.statusCode()).as(e.path() + " without the scope").isEqualTo(403);
      assertThat(code(unscoped)).isEqualTo("forbidden");
      HttpResponse<String> right = call(base, e, "x-api-key", KEY_FOR.get(e.scope()));
      assertThat(right.statusCode()).as(e.path() + " with the right key").isEqualTo(200);
    }
  }

  @Test
  void sendsTheSame401WhateverWasWrongSoItSaysNothingAboutWhichKeysExist() throws Exception {
    Endpoint count = GUARDED.get(0);
    String truncated = KEY_FOR.get(Scope.COUNT).substring(0, 20);
    List<String> messages = new ArrayList<>();
    for (String[] h :
        List.of(
            new String[] {},
            new String[] {"x-api-key", Secrets.newKey()},
            new String[] {"x-api-key", truncated},
            new String[] {"Authorization", "Basic " + KEY_FOR.get(Scope.COUNT)})) {
      HttpResponse<String> r = call(base, count, h);
      assertThat(r.statusCode()).isEqualTo(401);
      messages.add(MAPPER.readTree(r.body()).path("error").path("message").asText());
    }
    assertThat(Set.copyOf(messages)).hasSize(1);
  }

  @Test
  void acceptsTheKeyWhereverEachClientSendsIt() throws Exception {
    String key = KEY_FOR.get(Scope.COUNT);
    Endpoint gemini = GUARDED.get(2);
    assertThat(call(base, GUARDED.get(0), "x-api-key", key).statusCode()).isEqualTo(200);
    assertThat(call(base, gemini, "x-goog-api-key", key).statusCode()).isEqualTo(200);
    assertThat(call(base, gemini, "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
    HttpResponse<String> query = call(base, "POST", gemini.path() + "?key=" + key, GEMINI);
    assertThat(query.statusCode()).isEqualTo(200);
    assertThat(MAPPER.readTree(query.body()).get("totalTokens").asInt()).isEqualTo(10);
    assertThat(
            call(base, gemini, "x-goog-api-key", key, "x-api-key", Secrets.newKey()).statusCode())
        .as("two different keys")
        .isEqualTo(401);
  }

  @Test
  void leavesTheHealthProbesOpen() throws Exception {
    assertThat(call(base, "GET", "/health/live", null).statusCode()).isEqualTo(200);
    assertThat(call(base, "GET", "/health/ready", null).statusCode()).isEqualTo(200);
  }

  @Test
  void countsThroughTheVendorsSdksWithATokentallyKeyInTheirUsualKeySetting() {
    String key = KEY_FOR.get(Scope.COUNT);
    assertThat(VendorSdks.scientist(VendorSdks.anthropic(base, key)))
        .as("Anthropic's published count")
        .isEqualTo(14);
    assertThat(
            VendorSdks.gemini(base, key)
                .models
                .countTokens("gemini-2.0-flash", "What's the highest mountain in Africa?", null)
                .totalTokens())
        .as("Google's published count")
        .contains(10);

    assertThatThrownBy(() -> VendorSdks.scientist(VendorSdks.anthropic(base, "sk-ant-not-ours")))
        .isInstanceOf(UnauthorizedException.class);
    assertThatThrownBy(
            () ->
                VendorSdks.gemini(base, "AIza-not-ours")
                    .models
                    .countTokens("gemini-2.0-flash", "hi", null))
        .isInstanceOfSatisfying(ClientException.class, e -> assertThat(e.code()).isEqualTo(401));
  }

  @Test
  void picksUpANewKeysFileWithoutARestart() throws Exception {
    Path file = dir.resolve("rotating");
    String before = Secrets.newKey();
    Files.writeString(file, KeysFile.line(before, EnumSet.of(Scope.METRICS), List.of(), "old"));
    try (HttpService rotating = start(new AccessSettings(false, file, null, 0, 1))) {
      String url = "http://127.0.0.1:" + rotating.port();
      Endpoint metrics = GUARDED.get(3);
      assertThat(call(url, metrics, "x-api-key", before).statusCode()).isEqualTo(200);

      String after = Secrets.newKey();
      Files.writeString(file, KeysFile.line(after, EnumSet.of(Scope.METRICS), List.of(), "new"));
      long deadline = System.nanoTime() + 15_000_000_000L;
      while (call(url, metrics, "x-api-key", after).statusCode() != 200) {
        assertThat(System.nanoTime()).as("the new key works within 15 s").isLessThan(deadline);
        Thread.sleep(200);
      }
      assertThat(call(url, metrics, "x-api-key", before).statusCode()).isEqualTo(401);

      Files.writeString(file, "this line is not a key\n");
      Thread.sleep(3_000);
      assertThat(call(url, metrics, "x-api-key", after).statusCode())
          .as("a broken file leaves the keys in force")
          .isEqualTo(200);
    }
  }

  @Test
  void answers429WithRetryAfterWhenOneKeySendsABurst() throws Exception {
    try (HttpService limited = start(new AccessSettings(false, keysFile, null, 1, 3))) {
      String url = "http://127.0.0.1:" + limited.port();
      List<Integer> statuses = new ArrayList<>();
      HttpResponse<String> refused = null;
      for (int i = 0; i < 10; i++) {
        HttpResponse<String> r = call(url, GUARDED.get(0), "x-api-key", KEY_FOR.get(Scope.COUNT));
        statuses.add(r.statusCode());
        if (r.statusCode() == 429) {
          refused = r;
        }
      }
      assertThat(statuses.subList(0, 3)).containsOnly(200);
      assertThat(statuses).contains(429);
      assertThat(code(refused)).isEqualTo("rate_limited");
      assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()))
          .isBetween(1L, 2L);
      assertThat(call(url, GUARDED.get(3), "x-api-key", KEY_FOR.get(Scope.METRICS)).statusCode())
          .as("the scrape is not rate-limited")
          .isEqualTo(200);
    }
  }

  @Test
  void listensOnLoopbackOnlyWhenNoKeysAreConfigured() throws Exception {
    try (HttpService open = start(AccessSettings.loopbackOnly())) {
      assertThat(call("http://127.0.0.1:" + open.port(), GUARDED.get(0)).statusCode())
          .as("loopback needs no key")
          .isEqualTo(200);
      Optional<InetAddress> external = externalAddress();
      if (external.isPresent()) {
        try (Socket s = new Socket()) {
          assertThatThrownBy(
                  () -> s.connect(new InetSocketAddress(external.get(), open.port()), 2_000))
              .as("not reachable on " + external.get())
              .isInstanceOf(java.io.IOException.class);
        }
        try (Socket s = new Socket()) {
          s.connect(new InetSocketAddress(external.get(), server.port()), 2_000);
          assertThat(s.isConnected()).as("with keys it listens on every interface").isTrue();
        }
      }
    }
  }

  private static Optional<InetAddress> externalAddress() throws Exception {
    for (NetworkInterface nic :
        java.util.Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nic.isUp() || nic.isLoopback()) {
        continue;
      }
      for (InetAddress a : java.util.Collections.list(nic.getInetAddresses())) {
        if (a instanceof Inet4Address) {
          return Optional.of(a);
        }
      }
    }
    return Optional.empty();
  }

  /** Copies what is written to both streams, so the test can read the log and still show it. */
  private static final class Tee extends OutputStream {
    private final OutputStream a;
    private final OutputStream b;

    Tee(OutputStream a, OutputStream b) {
      this.a = a;
      this.b = b;
    }

    @Override
    public void write(int c) throws java.io.IOException {
      a.write(c);
      synchronized (b) {
        b.write(c);
      }
    }

    @Override
    public void write(byte[] buf, int off, int len) throws java.io.IOException {
      a.write(buf, off, len);
      synchronized (b) {
        b.write(buf, off, len);
      }
    }
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return MAPPER.readTree(r.body());
  }
}
