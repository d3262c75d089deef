package dev.tokentally.accuracy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.models.ContentKind;
import dev.tokentally.models.Term;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a fit into the files that carry it: each family's {@code terms} and {@code error_pct}
 * lines in the shipped registry, and the ratchet the accuracy test holds the corpus to.
 */
final class RegistryWriter {
  static final Path REGISTRY = Path.of("src/main/resources/models/models.json");
  static final Path RATCHET = Path.of("src/test/resources/fixtures/recorded/accuracy-ratchet.json");

  private static final Pattern FAMILY = Pattern.compile("^    \"([^\"]+)\": \\{$");

  private RegistryWriter() {}

  static String number(double value) {
    String s = String.format(Locale.ROOT, "%.3f", value);
    s = s.replaceAll("0+$", "").replaceAll("\\.$", ".0");
    return s.equals("-0.0") ? "0.0" : s;
  }

  static void writeRegistry(
      Map<String, Map<Term, Double>> coefficients, Map<String, Map<ContentKind, Double>> bars)
      throws IOException {
    List<String> out = new ArrayList<>();
    String family = null;
    for (String line : Files.readAllLines(REGISTRY)) {
      Matcher m = FAMILY.matcher(line);
      if (m.matches()) {
        family = m.group(1);
      }
      if (family != null
          && line.startsWith("      \"terms\": ")
          && coefficients.containsKey(family)) {
        StringBuilder terms = new StringBuilder("      \"terms\": {");
        String sep = "";
        for (Map.Entry<Term, Double> e : coefficients.get(family).entrySet()) {
          terms.append(sep).append('"').append(e.getKey().key()).append("\": ");
          terms.append(number(e.getValue()));
          sep = ", ";
        }
        out.add(terms.append("},").toString());
      } else if (family != null && line.startsWith("      \"error_pct\": ")) {
        Map<ContentKind, Double> familyBars = bars.getOrDefault(family, Map.of());
        StringBuilder b = new StringBuilder("      \"error_pct\": {");
        String sep = "";
        for (Map.Entry<ContentKind, Double> e : familyBars.entrySet()) {
          b.append(sep)
              .append('"')
              .append(e.getKey().key())
              .append("\": ")
              .append(number(e.getValue()));
          sep = ", ";
        }
        out.add(b.append("},").toString());
      } else {
        out.add(line);
      }
    }
    Files.write(REGISTRY, out);
  }

  /**
   * Writes the ratchet: a row keeps its committed figures unless the new ones are better, so a
   * refit cannot quietly make a row worse; {@code acceptWorse} takes the new figures as they are,
   * for a change whose honest price is a worse row (say so in the commit).
   */
  static void writeRatchet(List<AccuracyTable.Row> rows, boolean acceptWorse) throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode old =
        Files.exists(RATCHET)
            ? mapper.readTree(RATCHET.toFile()).path("rows")
            : mapper.createObjectNode();
    ObjectNode root = mapper.createObjectNode();
    root.put(
        "_comment",
        "Held-out (leave one source out) error per family and kind that the corpus test holds the"
            + " counter to: a row may get better, never worse. Written by AccuracyReport --write,"
            + " which keeps a row's better figures unless given --accept-worse.");
    ObjectNode limits = root.putObject("rows");
    for (AccuracyTable.Row r : rows) {
      ObjectNode row = limits.putObject(r.key());
      double mean = Math.ceil(r.meanPct() * 100) / 100;
      double p95 = Math.ceil(r.p95Pct() * 100) / 100;
      JsonNode before = old.path(r.key());
      if (!acceptWorse && before.isObject()) {
        mean = Math.min(mean, before.path("mean_pct").asDouble(mean));
        p95 = Math.min(p95, before.path("p95_pct").asDouble(p95));
      }
      row.put("cases", r.cases());
      row.put("mean_pct", mean);
      row.put("p95_pct", p95);
    }
    mapper.writerWithDefaultPrettyPrinter().writeValue(RATCHET.toFile(), root);
  }
}
