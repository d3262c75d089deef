package dev.tokentally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A usage query's answer: its records and the instances that answered it. */
public record UsageAnswer(List<JsonNode> records, List<String> answeredBy) {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /**
   * GETs a usage URL. A 503 means a rebalance is under way, so the question is asked again, as a
   * client would, for up to {@code patience}; any other status than 200 fails the test.
   */
  public static UsageAnswer get(String url, Duration patience, String... headers) throws Exception {
    Instant deadline = Instant.now().plus(patience);
    while (true) {
      HttpResponse<String> response =
          HTTP.send(
              headers.length == 0
                  ? HttpRequest.newBuilder(URI.create(url)).build()
                  : HttpRequest.newBuilder(URI.create(url)).headers(headers).build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() == 503 && Instant.now().isBefore(deadline)) {
        Thread.sleep(200);
        continue;
      }
      assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(200);
      List<JsonNode> records = new ArrayList<>();
      MAPPER.readTree(response.body()).get("records").forEach(records::add);
      String by = response.headers().firstValue("tokentally-answered-by").orElse("");
      return new UsageAnswer(records, List.of(by.split(",")));
    }
  }
}
