package dev.tokentally.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokentally.access.AccessSettings;
import dev.tokentally.access.KeysFile;
import dev.tokentally.access.Scope;
import dev.tokentally.access.Secrets;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.metrics.RequestMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.EnumSet;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS on the listener, with and without client certificates, from a keytool-made keystore. */
class HttpsTest {
  private static final String PASSWORD = "test-store-password";
  @TempDir static Path dir;
  static Path keystore;
  static Path keysFile;
  static String key;

  @BeforeAll
  static void makeKeystore() throws Exception {
    keystore = dir.resolve("server.p12");
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "tokentally",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes())).isZero();
    key = Secrets.newKey();
    keysFile = dir.resolve("keys");
    Files.writeString(keysFile, KeysFile.line(key, EnumSet.of(Scope.COUNT), List.of(), "tls"));
  }

  private static HttpService start(TlsSettings tls) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    return HttpService.start(
        new HttpSettings(0, 1 << 20, 4, new AccessSettings(false, keysFile, null, 0, 1), tls),
        RequestCounting.withDefaults(),
        RequestMetrics.discarding(),
        null,
        Health.UP,
        registry);
  }

  private static SSLContext trustingOnly() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory tm =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tm.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tm.getTrustManagers(), null);
    return context;
  }

  private static HttpResponse<String> count(HttpClient client, String url) throws Exception {
    return client.send(
        HttpRequest.newBuilder(URI.create(url + "/v1/messages/count_tokens"))
            .header("x-api-key", key)
            .POST(HttpRequest.BodyPublishers.ofString(HttpAccessTest.CLAUDE))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void countsOverHttpsAndRefusesPlainHttpOnTheSamePort() throws Exception {
    try (HttpService https = start(new TlsSettings(keystore, PASSWORD, null, null))) {
      HttpClient client = HttpClient.newBuilder().sslContext(trustingOnly()).build();
      HttpResponse<String> ok = count(client, "https://localhost:" + https.port());
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.body()).contains("\"input_tokens\":14");

      HttpClient plain = HttpClient.newHttpClient();
      String url = "http://localhost:" + https.port();
      boolean refused;
      try {
        refused = count(plain, url).statusCode() != 200;
      } catch (IOException e) {
        refused = true;
      }
      assertThat(refused).as("plain HTTP gets no answer from the HTTPS port").isTrue();
    }
  }

  @Test
  void requiresATrustedClientCertificateWhenATruststoreIsSet() throws Exception {
    TlsSettings mutual = new TlsSettings(keystore, PASSWORD, keystore, PASSWORD);
    try (HttpService https = start(mutual)) {
      String url = "https://localhost:" + https.port();
      HttpClient withCertificate =
          HttpClient.newBuilder().sslContext(Tls.peers(Tls.load(mutual))).build();
      assertThat(count(withCertificate, url).statusCode()).isEqualTo(200);

      HttpClient without = HttpClient.newBuilder().sslContext(trustingOnly()).build();
      assertThatThrownBy(() -> count(without, url)).isInstanceOf(IOException.class);
    }
  }

  @Test
  void refusesToStartWithAKeystoreItCannotOpenWithoutQuotingThePassword() {
    assertThatThrownBy(() -> start(new TlsSettings(keystore, "wrong-password", null, null)))
        .hasMessageContaining("cannot read PKCS12 store")
        .hasMessageNotContaining("wrong-password");
  }
}
