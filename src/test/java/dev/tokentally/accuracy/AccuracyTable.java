package dev.tokentally.accuracy;

import dev.tokentally.accuracy.CrossValidation.Prediction;
import dev.tokentally.models.ContentKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Error statistics of held-out predictions, per family and content kind. */
final class AccuracyTable {
  /** Fewer held-out cases than this and a row's percentiles say little: marked thin. */
  static final int THIN = 10;

  record Row(
      String family,
      String kind,
      int cases,
      int sources,
      double meanPct,
      double p95Pct,
      double maxPct,
      int withinTwoTokens,
      int exact) {
    String key() {
      return family + "|" + kind;
    }

    boolean thin() {
      return cases < THIN;
    }
  }

  private AccuracyTable() {}

  /** Rows per family x kind, text split at 100 tokens, and a row per family over all kinds. */
  static List<Row> rows(List<Prediction> predictions) {
    Map<String, List<Prediction>> byFamily = new TreeMap<>();
    for (Prediction p : predictions) {
      String family = p.counted().repetitive() ? "synthetic-repetition" : p.counted().family();
      byFamily.computeIfAbsent(family, k -> new ArrayList<>()).add(p);
    }
    List<Row> rows = new ArrayList<>();
    byFamily.forEach(
        (family, list) -> {
          rows.add(row(family, "all", list, p -> true));
          if (family.equals("synthetic-repetition")) {
            return;
          }
          for (ContentKind kind : ContentKind.values()) {
            if (kind == ContentKind.TEXT) {
              rows.add(row(family, "text>=100", list, p -> isText(p) && expected(p) >= 100));
              rows.add(row(family, "text<100", list, p -> isText(p) && expected(p) < 100));
            } else {
              rows.add(row(family, kind.key(), list, p -> p.counted().kind() == kind));
            }
          }
        });
    rows.removeIf(r -> r.cases() == 0);
    return rows;
  }

  private static boolean isText(Prediction p) {
    return p.counted().kind() == ContentKind.TEXT;
  }

  private static int expected(Prediction p) {
    return p.counted().recorded().expected();
  }

  static Row row(String family, String kind, List<Prediction> all, Predicate<Prediction> which) {
    List<Prediction> list = all.stream().filter(which).toList();
    List<Double> errors =
        list.stream().map(Prediction::absPct).sorted(Comparator.naturalOrder()).toList();
    int sources = (int) list.stream().map(p -> p.counted().recorded().source()).distinct().count();
    return new Row(
        family,
        kind,
        list.size(),
        sources,
        errors.stream().mapToDouble(Double::doubleValue).average().orElse(0),
        percentile(errors, 0.95),
        errors.isEmpty() ? 0 : errors.get(errors.size() - 1),
        (int) list.stream().filter(p -> p.absTokens() <= 2).count(),
        (int) list.stream().filter(p -> p.absTokens() == 0).count());
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(q * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size(), rank) - 1));
  }

  static String markdown(List<Row> rows) {
    StringBuilder out = new StringBuilder();
    out.append(
        "| family | kind | cases | sources | mean abs % | p95 abs % | max abs % | within ±2 tokens"
            + " | exact |\n");
    out.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (Row r : rows) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s%s | %d | %d | %.2f | %.2f | %.2f | %d | %d |%n",
              r.family(),
              r.kind(),
              r.thin() ? " (thin)" : "",
              r.cases(),
              r.sources(),
              r.meanPct(),
              r.p95Pct(),
              r.maxPct(),
              r.withinTwoTokens(),
              r.exact()));
    }
    return out.toString();
  }

  static Map<String, Row> byKey(List<Row> rows) {
    Map<String, Row> out = new LinkedHashMap<>();
    rows.forEach(r -> out.put(r.key(), r));
    return out;
  }
}
