package dev.tokentally.accuracy;

import dev.tokentally.accuracy.CrossValidation.Prediction;
import dev.tokentally.models.ContentKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The error bar each family states per content kind: the 95th percentile of the held-out absolute
 * error of that family and kind; where a kind has fewer than {@link AccuracyTable#THIN} held-out
 * cases, the family's percentile over all kinds; where the family itself is that thin, its
 * vendor's. Rounded up to 0.1 so that a stated bar is never below its evidence.
 */
final class ErrorBars {
  private ErrorBars() {}

  static Map<String, Map<ContentKind, Double>> from(List<Prediction> predictions) {
    List<Prediction> usable = predictions.stream().filter(p -> !p.counted().repetitive()).toList();
    Map<String, List<Prediction>> byFamily = new TreeMap<>();
    Map<String, List<Prediction>> byVendor = new TreeMap<>();
    for (Prediction p : usable) {
      byFamily.computeIfAbsent(p.counted().family(), k -> new ArrayList<>()).add(p);
      byVendor.computeIfAbsent(p.counted().recorded().vendor(), k -> new ArrayList<>()).add(p);
    }
    Map<String, Map<ContentKind, Double>> out = new TreeMap<>();
    byFamily.forEach(
        (family, list) -> {
          String vendor = list.get(0).counted().recorded().vendor();
          List<Prediction> fallback =
              list.size() >= AccuracyTable.THIN ? list : byVendor.get(vendor);
          Map<ContentKind, Double> bars = new EnumMap<>(ContentKind.class);
          for (ContentKind kind : ContentKind.values()) {
            List<Prediction> ofKind =
                list.stream().filter(p -> p.counted().kind() == kind).toList();
            bars.put(kind, p95(ofKind.size() >= AccuracyTable.THIN ? ofKind : fallback));
          }
          out.put(family, bars);
        });
    return out;
  }

  private static double p95(List<Prediction> list) {
    List<Double> sorted = list.stream().map(Prediction::absPct).sorted().toList();
    return Math.ceil(AccuracyTable.percentile(sorted, 0.95) * 10 - 1e-9) / 10.0;
  }

  /**
   * How many held-out cases fall inside the bar their family and kind state, where the bars are
   * computed without the case's own source: the bar is judged on recordings it was not drawn from.
   */
  static double coverage(List<Prediction> predictions) {
    List<Prediction> usable = predictions.stream().filter(p -> !p.counted().repetitive()).toList();
    Map<String, List<Prediction>> bySource = new TreeMap<>();
    usable.forEach(
        p ->
            bySource
                .computeIfAbsent(p.counted().recorded().source(), k -> new ArrayList<>())
                .add(p));
    int inside = 0;
    for (Map.Entry<String, List<Prediction>> e : bySource.entrySet()) {
      List<Prediction> others =
          usable.stream().filter(p -> !p.counted().recorded().source().equals(e.getKey())).toList();
      Map<String, Map<ContentKind, Double>> bars = from(others);
      for (Prediction p : e.getValue()) {
        Map<ContentKind, Double> family = bars.get(p.counted().family());
        double bar = family == null ? 0 : family.get(p.counted().kind());
        if (p.absPct() <= bar + 1e-9) {
          inside++;
        }
      }
    }
    return usable.isEmpty() ? 1 : (double) inside / usable.size();
  }
}
