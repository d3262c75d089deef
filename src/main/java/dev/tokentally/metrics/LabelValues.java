package dev.tokentally.metrics;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the values one metric label can take. Allowed values always pass; after them the first
 * {@code maxOthers} distinct values seen keep their own label, and every later one becomes {@link
 * #OTHER}. First seen rather than most frequent: a counter series that is later demoted to {@code
 * other} would look like a reset to {@code rate()}, so a value keeps its label for the life of the
 * process. Values are cut to {@code maxChars}.
 */
public final class LabelValues {
  public static final String OTHER = "other";

  private final Set<String> allowed;
  private final Set<String> admitted = ConcurrentHashMap.newKeySet();
  private final AtomicInteger slots;
  private final int maxChars;

  public LabelValues(Collection<String> allowed, int maxOthers, int maxChars) {
    this.maxChars = maxChars;
    this.allowed = Set.copyOf(allowed.stream().map(this::cut).toList());
    this.slots = new AtomicInteger(maxOthers);
  }

  /** The label value for {@code value}: itself (cut to length), or {@link #OTHER}. */
  public String of(String value) {
    String v = cut(value == null ? "" : value);
    if (allowed.contains(v) || admitted.contains(v)) {
      return v;
    }
    // Claim a slot before admitting, so concurrent threads never admit more than maxOthers.
    if (slots.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
      if (!admitted.add(v)) {
        slots.incrementAndGet();
      }
      return v;
    }
    return OTHER;
  }

  /** Distinct values this instance has labelled as themselves, allowed ones included. */
  public int distinct() {
    return allowed.size() + admitted.size();
  }

  private String cut(String value) {
    if (value.length() <= maxChars) {
      return value;
    }
    int end = maxChars;
    if (Character.isHighSurrogate(value.charAt(end - 1))) {
      end--;
    }
    return value.substring(0, end);
  }
}
