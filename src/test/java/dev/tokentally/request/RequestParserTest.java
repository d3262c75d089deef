package dev.tokentally.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Rejection;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestParserTest {
  private final RequestParser parser = new RequestParser();

  private LlmRequest parse(String json) {
    return parser.parse(json.getBytes(StandardCharsets.UTF_8), null, null);
  }

  /** Why the parser refuses {@code value}; fails the test when it accepts it. */
  private Rejection refused(byte[] value) {
    try {
      LlmRequest request = parser.parse(value, null, null);
      throw new AssertionError("parsed, expected a rejection: " + request);
    } catch (RejectedException e) {
      return e.rejection();
    }
  }

  private Rejection refused(String json) {
    return refused(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void recognisesAnAnthropicMessagesBody() {
    LlmRequest request =
        parse(
            """
            {"model":"claude-sonnet-4-5","max_tokens":10,
             "messages":[{"role":"user","content":"Hello"}]}
            """);

    assertThat(request.api()).isEqualTo(Api.ANTHROPIC_MESSAGES);
    assertThat(request.model()).isEqualTo("claude-sonnet-4-5");
  }

  @Test
  void recognisesGeminiBodiesAndTheCountTokensWrapper() {
    LlmRequest plain =
        parse(
            """
            {"contents":[{"role":"user","parts":[{"text":"Hi"}]}]}""");
    LlmRequest wrapped =
        parse(
            """
            {"generateContentRequest":{"model":"models/gemini-2.5-flash",
              "contents":[{"parts":[{"text":"Hi"}]}]}}
            """);

    assertThat(plain.api()).isEqualTo(Api.GEMINI_GENERATE_CONTENT);
    assertThat(wrapped.model()).isEqualTo("models/gemini-2.5-flash");
  }

  @Test
  void rejectsValuesThatAreNotJsonWithTheirPosition() {
    Rejection invalid =
        refused(
            """
            {"model": "claude", oops}""");

    assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(invalid.details()).containsEntry("line", 1).containsKey("column");
  }

  @Test
  void doesNotQuoteAnUnquotedCredentialInTheErrorMessage() {
    Rejection invalid =
        refused(
            """
            {"model":"claude-3-5-sonnet","api_key": AIzaSyCanary123, "messages":[]}""");
    assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(invalid.message())
        .doesNotContain("AIzaSyCanary123")
        .contains("Unrecognized token (15 characters, not shown)");
    assertThat(invalid.details()).containsEntry("column", 41);
  }

  @Test
  void rejectsEmptyValuesTrailingGarbageAndInvalidUtf8AsInvalidJson() {
    assertThat(refused(new byte[0]).code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(refused((byte[]) null).code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(refused("{\"messages\":[]} trailing").code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(refused(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'}).code())
        .isEqualTo(ErrorCode.INVALID_JSON);
  }

  @Test
  void rejectsNestingBeyondTheLimit() {
    String deep = "[".repeat(RequestParser.MAX_NESTING_DEPTH + 1);

    Rejection invalid = refused(deep);

    assertThat(invalid.code()).isEqualTo(ErrorCode.INVALID_JSON);
    assertThat(invalid.message()).containsIgnoringCase("nesting");
  }

  @Test
  void namesTheJsonPathOfAStructuralProblem() {
    Rejection noModel =
        refused(
            """
            {"messages":[{"role":"user","content":"x"}]}""");
    Rejection badRole =
        refused(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"tool\",\"content\":\"y\"}]}");
    Rejection neither =
        refused(
            """
            {"prompt":"hi"}""");
    Rejection array = refused("[1,2]");

    assertThat(noModel.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
    assertThat(noModel.details()).containsEntry("path", "$.model");
    assertThat(badRole.details()).containsEntry("path", "$.messages[1].role");
    assertThat(neither.details()).containsEntry("path", "$");
    assertThat(array.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
  }
}
