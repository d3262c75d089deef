package dev.tokentally.accuracy;

import dev.tokentally.models.Term;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Prints the cross-validated accuracy tables and the coefficients fitted to the whole corpus, for
 * refitting the registry by hand: {@code ./mvnw -q test-compile exec:java
 * -Dexec.mainClass=dev.tokentally.accuracy.AccuracyReport -Dexec.classpathScope=test}.
 */
public final class AccuracyReport {
  private AccuracyReport() {}

  public static void main(String[] args) throws IOException {
    CrossValidation cv = new CrossValidation(RecordedCase.corpus());
    System.out.println("cases: " + cv.cases().size() + ", refused: " + cv.refused().size());
    cv.refused().forEach(r -> System.out.println("  refused " + r.id()));
    List<CrossValidation.Prediction> heldOut = cv.heldOut();
    System.out.println("\nleave one source out:\n");
    System.out.println(AccuracyTable.markdown(AccuracyTable.rows(heldOut)));
    if (Arrays.asList(args).contains("--by-file")) {
      System.out.println("\n5 folds by recording file:\n");
      System.out.println(AccuracyTable.markdown(AccuracyTable.rows(cv.heldOutByFile())));
    }
    System.out.println("\nfitted to all cases:");
    for (Map.Entry<String, Map<Term, Double>> e : cv.fit(cv.cases()).entrySet()) {
      StringBuilder line = new StringBuilder("  \"" + e.getKey() + "\": {");
      String sep = "";
      for (Map.Entry<Term, Double> t : e.getValue().entrySet()) {
        line.append(sep)
            .append(String.format(Locale.ROOT, "\"%s\": %.3f", t.getKey().key(), t.getValue()));
        sep = ", ";
      }
      System.out.println(line.append("}"));
    }
    int casesAt = Arrays.asList(args).indexOf("--cases");
    if (casesAt >= 0) {
      try (var out = new PrintWriter(args[casesAt + 1], "UTF-8")) {
        for (CrossValidation.Prediction p : heldOut) {
          out.printf(
              Locale.ROOT,
              "{\"id\":\"%s\",\"family\":\"%s\",\"kind\":\"%s\",\"expected\":%d,"
                  + "\"predicted\":%d,\"repetitive\":%b,\"source\":\"%s\",\"model\":\"%s\"}%n",
              p.counted().recorded().id(),
              p.counted().family(),
              p.counted().kind().key(),
              p.counted().recorded().expected(),
              p.predicted(),
              p.counted().repetitive(),
              p.counted().recorded().source(),
              p.counted().recorded().model());
        }
      }
    }
    if (Arrays.asList(args).contains("--write")) {
      RegistryWriter.writeRegistry(cv.fit(cv.cases()), ErrorBars.from(heldOut));
      RegistryWriter.writeRatchet(
          AccuracyTable.rows(heldOut), Arrays.asList(args).contains("--accept-worse"));
      System.out.println("\nwrote " + RegistryWriter.REGISTRY + " and " + RegistryWriter.RATCHET);
    }
    System.out.printf(
        Locale.ROOT,
        "%nheld-out cases inside the bar stated without their source: %.1f%%%n",
        100 * ErrorBars.coverage(heldOut));
    if (args.length > 0 && args[args.length - 1].equals("--worst")) {
      heldOut.stream()
          .filter(p -> !p.counted().repetitive())
          .sorted(
              Comparator.comparing((CrossValidation.Prediction p) -> p.counted().family())
                  .thenComparing(p -> -p.absPct()))
          .filter(
              new Predicate<CrossValidation.Prediction>() {
                private final Map<String, Integer> seen = new HashMap<>();

                @Override
                public boolean test(CrossValidation.Prediction p) {
                  return seen.merge(p.counted().family() + p.counted().kind(), 1, Integer::sum)
                      <= 12;
                }
              })
          .forEach(
              p ->
                  System.out.printf(
                      Locale.ROOT,
                      "  %-70s %-12s %-9s exp=%d pred=%d %+.1f%% %s%n",
                      p.counted().recorded().id(),
                      p.counted().family(),
                      p.counted().kind().key(),
                      p.counted().recorded().expected(),
                      p.predicted(),
                      100.0
                          * (p.predicted() - p.counted().recorded().expected())
                          / p.counted().recorded().expected(),
                      p.counted().terms().quantities()));
    }
  }
}
