package dev.tokentally.counting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.request.Endpoint;
import dev.tokentally.request.RequestParser;
import dev.tokentally.request.RequestPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every published request/count pair we can run (fixtures/count-cases*.json, plus a held-aside file
 * named by {@code -Dtokentally.count.cases=PATH}) against the vendors' published numbers. Prints a
 * table per vendor and model and fails when a case is outside the accuracy targets
 * (docs/accuracy.md): Gemini text exact, images +-1 token, Claude text +-2 tokens below 100 tokens
 * and 4% above, tools 10%. The coefficients are fitted to the recorded corpus, not to these cases,
 * so they judge the fit on data it never saw.
 */
class CountCasesTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Pattern PNG_SIZE = Pattern.compile("BASE64 PNG (\\d+)x(\\d+)");

  record Outcome(
      String id,
      String vendor,
      String model,
      String kind,
      int expected,
      Integer actual,
      String skipped) {
    boolean ran() {
      return skipped == null;
    }

    int tolerance() {
      return switch (kind) {
        case "tools" -> (int) Math.floor(expected * 0.10);
        case "image" -> 1;
        case "text" -> vendor.equals("gemini") ? 0 : Math.max(2, (int) Math.floor(expected * 0.04));
        default -> 0;
      };
    }

    boolean withinTolerance() {
      return Math.abs(actual - expected) <= tolerance();
    }
  }

  @Test
  void publishedCountsAreMetWithinTheirTolerance() throws IOException {
    RequestCounter counter = RequestCounter.withDefaults();
    List<Outcome> outcomes = new ArrayList<>();
    for (JsonNode c : cases()) {
      outcomes.add(run(counter, c));
    }
    String table = table(outcomes);
    System.out.println(table);
    Files.createDirectories(Path.of("target"));
    Files.writeString(Path.of("target", "count-cases-table.md"), table);

    List<String> failures = new ArrayList<>();
    for (Outcome o : outcomes) {
      if (o.ran() && !o.withinTolerance()) {
        failures.add(
            o.id
                + " ("
                + o.kind
                + "): expected "
                + o.expected
                + " +-"
                + o.tolerance()
                + ", counted "
                + o.actual);
      }
    }
    assertThat(outcomes.stream().filter(Outcome::ran).count()).isGreaterThanOrEqualTo(40);
    assertThat(failures).isEmpty();
  }

  static List<JsonNode> cases() throws IOException {
    List<JsonNode> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("src/test/resources/fixtures"))) {
      for (Path file :
          files
              .filter(f -> f.getFileName().toString().startsWith("count-cases"))
              .sorted()
              .toList()) {
        MAPPER.readTree(file.toFile()).forEach(all::add);
      }
    }
    String extra = System.getProperty("tokentally.count.cases", "");
    if (!extra.isBlank()) {
      MAPPER.readTree(Path.of(extra).toFile()).forEach(all::add);
    }
    return all;
  }

  private static Outcome run(RequestCounter counter, JsonNode c) throws IOException {
    String id = c.get("id").asText();
    String vendor = c.get("vendor").asText();
    String model = c.get("model").asText();
    String notes = c.path("notes").asText();
    int expected = c.get("expected").asInt();
    ObjectNode request = c.get("request").deepCopy();
    String kind = kind(request);
    String skip = null;
    if (notes.contains("NOT REPRODUCIBLE")) {
      skip = "input not published";
    } else if (notes.contains("REQUIRES MEDIA")) {
      skip = "needs a downloaded asset";
    } else if (notes.contains("VERTEX ENDPOINT")) {
      skip = "Vertex AI endpoint (different accounting)";
    } else if (notes.contains("REQUIRES GENERATED MEDIA") && !generateMedia(request)) {
      skip = "media generator not recognised";
    }
    if (skip != null) {
      return new Outcome(id, vendor, model, kind, expected, null, skip);
    }
    if (vendor.equals("gemini")
        && !request.has("model")
        && !request.has("generateContentRequest")) {
      request.put("model", model);
    }
    // Every published pair is a count endpoint's answer, so count it as that endpoint would.
    CountOutcome result =
        new RequestCounting(new RequestParser(), counter)
            .count(
                MAPPER.writeValueAsBytes(request),
                new BodyOrigin.Route(
                    vendor.equals("gemini")
                        ? new RequestPath.Route(Endpoint.COUNT_TOKENS, model)
                        : new RequestPath.Route(Endpoint.MESSAGES_COUNT_TOKENS, null)));
    assertThat(result).as(id + ": " + result).isInstanceOf(CountOutcome.Counted.class);
    return new Outcome(
        id, vendor, model, kind, expected, ((CountOutcome.Counted) result).count().total(), null);
  }

  private static String kind(JsonNode request) {
    String json = request.toString();
    if (request.has("tools") || json.contains("\"functionDeclarations\"")) {
      return "tools";
    }
    if (json.contains("\"image\"") || json.contains("image/")) {
      return "image";
    }
    if (json.contains("\"document\"")
        || json.contains("application/pdf")
        || json.contains("audio/")) {
      return "media";
    }
    return "text";
  }

  /** Replaces a "<BASE64 PNG WxH generated by ...>" placeholder with that PNG. */
  private static boolean generateMedia(JsonNode node) {
    boolean replaced = false;
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      JsonNode data = object.get("data");
      if (data != null && data.isTextual()) {
        Matcher m = PNG_SIZE.matcher(data.asText());
        if (m.find()) {
          byte[] png = SyntheticPng.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
          object.put("data", Base64.getEncoder().encodeToString(png));
          replaced = true;
        }
      }
    }
    for (JsonNode child : node) {
      replaced |= generateMedia(child);
    }
    return replaced;
  }

  static String table(List<Outcome> outcomes) {
    Map<String, List<Outcome>> byModel = new TreeMap<>();
    for (Outcome o : outcomes) {
      byModel.computeIfAbsent(o.vendor + " | " + o.model, k -> new ArrayList<>()).add(o);
    }
    StringBuilder out = new StringBuilder();
    out.append("| vendor | model | cases | run | exact | within tolerance | mean abs % error |\n");
    out.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    byModel.forEach(
        (key, list) -> {
          List<Outcome> ran = list.stream().filter(Outcome::ran).toList();
          long exact = ran.stream().filter(o -> o.actual == o.expected).count();
          long within = ran.stream().filter(Outcome::withinTolerance).count();
          double mape =
              ran.stream()
                  .mapToDouble(o -> 100.0 * Math.abs(o.actual - o.expected) / o.expected)
                  .average()
                  .orElse(Double.NaN);
          out.append(
              String.format(
                  "| %s | %d | %d | %d | %d | %s |%n",
                  key,
                  list.size(),
                  ran.size(),
                  exact,
                  within,
                  ran.isEmpty() ? "-" : String.format("%.2f%%", mape)));
        });
    out.append(
        "\nPer case:\n\n| case | kind | published | counted | tolerance | result |\n| --- | --- | --- | --- | --- | --- |\n");
    for (Outcome o : outcomes) {
      out.append(
          o.ran()
              ? String.format(
                  "| %s | %s | %d | %d | +-%d | %s |%n",
                  o.id,
                  o.kind,
                  o.expected,
                  o.actual,
                  o.tolerance(),
                  o.actual == o.expected ? "exact" : o.withinTolerance() ? "within" : "OUTSIDE")
              : String.format(
                  "| %s | %s | %d | - | - | skipped: %s |%n", o.id, o.kind, o.expected, o.skipped));
    }
    return out.toString();
  }
}
