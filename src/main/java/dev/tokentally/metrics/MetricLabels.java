package dev.tokentally.metrics;

import java.util.List;

/**
 * Function names come from request headers, so they are unbounded user input; only these reach a
 * metric label as themselves, and every other name is counted as {@code other}.
 *
 * @param allowedNames names always labelled as themselves
 * @param maxNames how many further names, first seen first served, get their own label
 * @param maxChars longest label value; longer names are cut
 */
public record MetricLabels(List<String> allowedNames, int maxNames, int maxChars) {
  public MetricLabels {
    allowedNames = List.copyOf(allowedNames);
  }

  /** The bounded label values these settings describe. */
  public LabelValues names() {
    return new LabelValues(allowedNames, maxNames, maxChars);
  }
}
