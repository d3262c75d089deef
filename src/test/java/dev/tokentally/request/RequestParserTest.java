package dev.tokentally.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokentally.errors.ErrorCode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestParserTest {
  private final RequestParser parser = new RequestParser();

  private ParseResult parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldRecogniseAnAnthropicMessagesBody() {
    ParseResult result =
        parse(
            """
            {"model":"claude-sonnet-4-5","max_tokens":10,
             "messages":[{"role":"user","content":"Hello"}]}
            """);

    assertThat(result).isInstanceOf(ParseResult.Parsed.class);
    LlmRequest request = ((ParseResult.Parsed) result).request();
    assertThat(request.api()).isEqualTo(Api.ANTHROPIC_MESSAGES);
    assertThat(request.model()).isEqualTo("claude-sonnet-4-5");
  }

  @Test
  void shouldRecogniseGeminiBodiesAndTheCountTokensWrapper() {
    ParseResult plain = parse("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hi\"}]}]}");
    ParseResult wrapped =
        parse(
            """
            {"generateContentRequest":{"model":"models/gemini-2.5-flash",
              "contents":[{"parts":[{"text":"Hi"}]}]}}
            """);

    assertThat(((ParseResult.Parsed) plain).request().api()).isEqualTo(Api.GEMINI_GENERATE_CONTENT);
    assertThat(((ParseResult.Parsed) wrapped).request().model())
        .isEqualTo("models/gemini-2.5-flash");
  }

  @Test
  void shouldRejectValuesThatAreNotJsonWithTheirPosition() {
    ParseResult result = parse("{\"model\": \"claude\", oops}");

    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    ParseResult.Invalid invalid = (ParseResult.Invalid) result;
    assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(invalid.details()).containsEntry("line", 1).containsKey("column");
  }

  @Test
  void shouldNotQuoteAnUnquotedCredentialInTheErrorMessage() {
    ParseResult.Invalid invalid =
        (ParseResult.Invalid)
            parse(
                "{\"model\":\"claude-3-5-sonnet\",\"api_key\": AIzaSyCanary123, \"messages\":[]}");
    assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(invalid.message())
        .doesNotContain("AIzaSyCanary123")
        .contains("Unrecognized token (15 characters, not shown)");
    assertThat(invalid.details()).containsEntry("column", 41);
  }

  @Test
  void shouldRejectEmptyValuesTrailingGarbageAndInvalidUtf8AsInvalidJson() {
    assertThat(code(parser.parse(new byte[0]))).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(code(parser.parse(null))).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(code(parse("{\"messages\":[]} trailing"))).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(code(parser.parse(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'})))
        .isEqualTo(ErrorCode.INVALID_JSON);
  }

  @Test
  void shouldRejectNestingBeyondTheLimit() {
    String deep = "[".repeat(RequestParser.MAX_NESTING_DEPTH + 1);

    ParseResult.Invalid invalid = (ParseResult.Invalid) parse(deep);

    assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(invalid.message()).containsIgnoringCase("nesting");
  }

  @Test
  void shouldNameTheJsonPathOfAStructuralProblem() {
    ParseResult.Invalid noModel =
        (ParseResult.Invalid) parse("{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
    ParseResult.Invalid badRole =
        (ParseResult.Invalid)
            parse(
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                    + "{\"role\":\"tool\",\"content\":\"y\"}]}");
    ParseResult.Invalid neither = (ParseResult.Invalid) parse("{\"prompt\":\"hi\"}");
    ParseResult.Invalid array = (ParseResult.Invalid) parse("[1,2]");

    assertThat(noModel.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(noModel.details()).containsEntry("path", "$.model");
    assertThat(badRole.details()).containsEntry("path", "$.messages[1].role");
    assertThat(neither.details()).containsEntry("path", "$");
    assertThat(array.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }

  private static ErrorCode code(ParseResult result) {
    return ((ParseResult.Invalid) result).code();
  }
}
