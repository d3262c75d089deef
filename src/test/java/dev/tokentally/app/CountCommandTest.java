package dev.tokentally.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.counting.Tokenizers;
import dev.tokentally.testing.PdfRequests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CountCommandTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String BASIC =
      """
      {"model":"claude-3-5-sonnet-20241022","system":"You are a scientist","messages":[{"role":"user","content":"Hello, Claude"}]}""";
  private static final String GEMINI_NO_MODEL =
      """
      {"contents":[{"role":"user","parts":[{"text":"What's the highest mountain in Africa?"}]}]}""";

  record Run(int exit, String out, String err) {
    List<JsonNode> lines() throws IOException {
      List<JsonNode> nodes = new ArrayList<>();
      for (String line : out.split("\n")) {
        if (!line.isBlank()) {
          nodes.add(MAPPER.readTree(line));
        }
      }
      return nodes;
    }
  }

  private static Run run(String stdin, boolean terminal, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        CountCommand.run(
            List.of(args),
            RequestCounting.withDefaults(),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            terminal);
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void printsTheVendorsResponseFieldForEachApi(@TempDir Path dir) throws IOException {
    Path anthropic = Files.writeString(dir.resolve("a.json"), BASIC);
    Run run = run("", false, anthropic.toString());
    assertThat(run.exit()).isZero();
    assertThat(run.lines().get(0).get("input_tokens").asInt()).isEqualTo(14);
    assertThat(run.lines().get(0).get("count_error_pct").asDouble()).isPositive();

    Run gemini = run(GEMINI_NO_MODEL, false, "--model", "gemini-2.0-flash", "-");
    assertThat(gemini.exit()).isZero();
    JsonNode line = gemini.lines().get(0);
    assertThat(line.get("totalTokens").asInt()).isEqualTo(10);
    assertThat(line.has("input_tokens")).isFalse();
  }

  @Test
  void countsThePdfThatOnceOverflowedTheStack(@TempDir Path dir) throws IOException {
    Path file =
        Files.write(
            dir.resolve("pdf.json"), PdfRequests.anthropicDocument(PdfRequests.poisonPill()));
    Run run = run("", false, file.toString());
    assertThat(run.exit()).as(run.err()).isZero();
    // The page's 2 MB of text is counted, not just the page.
    assertThat(run.lines().get(0).get("input_tokens").asLong()).isGreaterThan(10_000);
  }

  @Test
  void aGeminiBodyWithoutAModelNeedsDashDashModel() throws IOException {
    Run run = run(GEMINI_NO_MODEL, false, "-");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(
            MAPPER.readTree(run.err().lines().findFirst().orElseThrow()).at("/error/code").asText())
        .isEqualTo("invalid_request");
  }

  @Test
  void apiFlagReadsABodyWhoseShapeIsAmbiguous() throws IOException {
    Run run =
        run(
            """
            {"model":"gemini-2.0-flash","input":"Why is the sky blue?"}""",
            false,
            "--api",
            "gemini",
            "-");
    assertThat(run.exit()).isZero();
    assertThat(run.lines().get(0).get("totalTokens").asInt())
        .isEqualTo(Tokenizers.gemma3().count("Why is the sky blue?") + 1);
  }

  @Test
  void jsonlCountsOneBodyPerLineWithProgressAndASummary(@TempDir Path dir) throws IOException {
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 250; i++) {
      jsonl.append(BASIC).append('\n');
    }
    jsonl
        .append(
            """
            {"model":"gemini-2.0-flash",""")
        .append(GEMINI_NO_MODEL.substring(1))
        .append('\n');
    Path file = Files.writeString(dir.resolve("requests.jsonl"), jsonl);

    Run run = run("", true, file.toString());

    assertThat(run.exit()).isZero();
    assertThat(run.lines()).hasSize(251);
    assertThat(run.err()).contains("] 251/251").contains("[##############################]");
    assertThat(run.err()).containsPattern("claude-3-5-sonnet\\s+250\\s+3500\\s+14\\.0");
    assertThat(run.err()).containsPattern("gemini-2\\.0-flash\\s+1\\s+10\\s+10\\.0");
  }

  @Test
  void invalidLinesExitTwoWithAnErrorResponseAndTheRestStillCount() throws IOException {
    Run run =
        run(BASIC + "\n{not json\n" + "{\"model\":\"nobody-1\",\"messages\":[]}\n", false, "-");
    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.lines()).hasSize(1);
    List<String> errors = run.err().lines().filter(l -> l.startsWith("{")).toList();
    assertThat(errors).hasSize(2);
    assertThat(MAPPER.readTree(errors.get(0)).at("/error/code").asText()).isEqualTo("invalid_json");
    assertThat(MAPPER.readTree(errors.get(1)).at("/error/code").asText())
        .isEqualTo("unknown_model");
    assertThat(MAPPER.readTree(errors.get(1)).has("meta")).isTrue();
  }

  @Test
  void usageErrorsExitTwo() {
    assertThat(run("", false).exit()).isEqualTo(2);
    assertThat(run("", false, "--api", "openai", "-").exit()).isEqualTo(2);
  }
}
