package dev.tokentally.counting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.request.LlmRequest;
import dev.tokentally.request.ParseResult;
import dev.tokentally.request.RequestParser;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Counts against the vendors' published request/count pairs (fixtures/count-cases.json). */
class RequestCounterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static RequestCounter counter;
  private static JsonNode cases;

  @BeforeAll
  static void load() throws IOException {
    counter = new RequestCounter(ClaudeTokenizer.load());
    try (InputStream in =
        RequestCounterTest.class.getResourceAsStream("/fixtures/count-cases.json")) {
      cases = MAPPER.readTree(in);
    }
  }

  private static JsonNode publishedCase(String id) {
    for (JsonNode c : cases) {
      if (c.get("id").asText().equals(id)) {
        return c;
      }
    }
    throw new AssertionError("no published case " + id);
  }

  private static TokenCount count(JsonNode body) throws IOException {
    ParseResult parsed = new RequestParser().parse(MAPPER.writeValueAsBytes(body));
    LlmRequest request = ((ParseResult.Parsed) parsed).request();
    return counter.count(request);
  }

  @Test
  void shouldMatchAnthropicsPublishedBasicExample() throws IOException {
    JsonNode c = publishedCase("anthropic-docs-basic-system");

    TokenCount count = count(c.get("request"));

    assertThat(count.total()).isEqualTo(c.get("expected").asInt());
    assertThat(count.method()).isEqualTo(CountMethod.TOKENIZER);
    assertThat(count.breakdown()).containsEntry("system", 4).containsEntry("messages", 3);
  }

  @Test
  void shouldLabelRequestsWithContentItCannotReadAsHeuristic() throws IOException {
    JsonNode body =
        MAPPER.readTree(
            """
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[
              {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},
              {"type":"text","text":"Describe this image"}]}]}
            """);

    TokenCount count = count(body);

    assertThat(count.method()).isEqualTo(CountMethod.HEURISTIC);
    assertThat(count.breakdown().get("messages")).isPositive();
  }

  @Test
  void shouldLabelGeminiCountsAsHeuristicUntilTheGemmaVocabularyIsUsed() throws IOException {
    JsonNode body =
        MAPPER.readTree("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"abcdefgh\"}]}]}");

    TokenCount count = count(body);

    assertThat(count.method()).isEqualTo(CountMethod.HEURISTIC);
    assertThat(count.total()).isEqualTo(2);
  }
}
