package dev.tokentally.accuracy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.accuracy.CrossValidation.Prediction;
import dev.tokentally.models.ContentKind;
import dev.tokentally.models.Term;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The counter against every recorded vendor exchange in {@code fixtures/recorded/}, judged on
 * recordings its coefficients were not fitted to. Prints the cross-validated table (also written to
 * {@code target/accuracy-table.md}) and fails when a row gets worse than the committed ratchet,
 * when the registry no longer holds the fit of the whole corpus, or when the error bars it states
 * stop covering held-out recordings. Refit with {@code AccuracyReport --write} (docs/accuracy.md).
 */
class RecordedCorpusAccuracyTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

  private static List<RecordedCase> corpus;
  private static CrossValidation cv;
  private static List<Prediction> heldOut;
  private static List<AccuracyTable.Row> rows;

  @BeforeAll
  static void crossValidate() throws IOException {
    corpus = RecordedCase.corpus();
    cv = new CrossValidation(corpus);
    heldOut = cv.heldOut();
    rows = AccuracyTable.rows(heldOut);
    String table = AccuracyTable.markdown(rows);
    System.out.println("Cross-validated error on recorded vendor counts:\n" + table);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "accuracy-table.md"), table);
  }

  @Test
  void theCorpusIsLargeAndEveryCaseCarriesItsProvenance() throws IOException {
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(200);
    long anthropic = corpus.stream().filter(c -> c.vendor().equals("anthropic")).count();
    long gemini = corpus.stream().filter(c -> c.vendor().equals("gemini")).count();
    assertThat(anthropic).isGreaterThanOrEqualTo(120);
    assertThat(gemini).isGreaterThanOrEqualTo(50);
    for (String generation : List.of("claude-3", "claude-4", "claude-4.7")) {
      assertThat(cv.cases().stream().filter(c -> c.family().equals(generation)).count())
          .as(generation)
          .isGreaterThanOrEqualTo(30);
    }
    assertThat(corpus.stream().filter(c -> c.model().contains("haiku")).count())
        .isGreaterThanOrEqualTo(30);
    for (Path file : files()) {
      for (JsonNode c : MAPPER.readTree(new GZIPInputStream(Files.newInputStream(file)))) {
        assertThat(c.path("repo").asText()).as(c.path("id").asText()).contains("/");
        assertThat(c.path("path").asText()).as(c.path("id").asText()).isNotBlank();
        assertThat(c.path("field").asText()).as(c.path("id").asText()).isNotBlank();
        assertThat(COMMIT.matcher(c.path("commit").asText()).matches())
            .as(c.path("id").asText())
            .isTrue();
        assertThat(c.path("expected").asInt()).as(c.path("id").asText()).isPositive();
      }
    }
  }

  @Test
  void everyRecordedRequestIsCounted() {
    assertThat(cv.refused()).extracting(RecordedCase::id).isEmpty();
  }

  @Test
  void noFamilyOrKindGetsWorseThanTheRatchet() throws IOException {
    JsonNode ratchet = MAPPER.readTree(RegistryWriter.RATCHET.toFile()).get("rows");
    Map<String, AccuracyTable.Row> now = AccuracyTable.byKey(rows);
    List<String> worse = new ArrayList<>();
    ratchet
        .properties()
        .forEach(
            e -> {
              AccuracyTable.Row row = now.get(e.getKey());
              if (row == null) {
                worse.add(e.getKey() + ": no longer measured");
                return;
              }
              double mean = e.getValue().get("mean_pct").asDouble();
              double p95 = e.getValue().get("p95_pct").asDouble();
              if (row.meanPct() > mean + 0.01 || row.p95Pct() > p95 + 0.01) {
                worse.add(
                    String.format(
                        "%s: mean %.2f%% (ratchet %.2f%%), p95 %.2f%% (ratchet %.2f%%)",
                        e.getKey(), row.meanPct(), mean, row.p95Pct(), p95));
              }
            });
    assertThat(worse).isEmpty();
  }

  @Test
  void theRegistryHoldsTheFitOfTheWholeCorpus() {
    Map<String, Map<Term, Double>> fitted = cv.fit(cv.cases());
    JsonNode families = CrossValidation.shippedFamilies();
    List<String> drift = new ArrayList<>();
    fitted.forEach(
        (family, terms) ->
            terms.forEach(
                (term, value) -> {
                  double shipped = families.get(family).path("terms").path(term.key()).asDouble();
                  if (Math.abs(shipped - value) > 0.0015 + 1e-4 * Math.abs(value)) {
                    drift.add(
                        family + "." + term.key() + ": shipped " + shipped + ", fit " + value);
                  }
                }));
    assertThat(drift).as("refit with AccuracyReport --write").isEmpty();
  }

  @Test
  void statedErrorBarsAreTheHeldOutErrorAndCoverHeldOutSources() {
    Map<String, Map<ContentKind, Double>> bars = ErrorBars.from(heldOut);
    JsonNode families = CrossValidation.shippedFamilies();
    bars.forEach(
        (family, byKind) ->
            byKind.forEach(
                (kind, bar) ->
                    assertThat(families.get(family).path("error_pct").path(kind.key()).asDouble())
                        .as(family + " " + kind.key())
                        .isCloseTo(bar, Offset.offset(0.05))));
    double coverage = ErrorBars.coverage(heldOut);
    System.out.printf(
        "held-out cases inside the bar stated without their source: %.1f%%%n", 100 * coverage);
    assertThat(coverage).isGreaterThanOrEqualTo(0.90);
  }

  @Test
  void theAccuracyDocumentShowsThisTable() throws IOException {
    String doc = Files.readString(Path.of("docs", "accuracy.md"));
    assertThat(doc).contains(AccuracyTable.markdown(rows));
  }

  private static List<Path> files() throws IOException {
    try (var list = Files.list(Path.of("src/test/resources/fixtures/recorded"))) {
      return list.filter(f -> f.toString().endsWith(".json.gz")).sorted().toList();
    }
  }
}
