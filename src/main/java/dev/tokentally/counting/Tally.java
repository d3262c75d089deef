package dev.tokentally.counting;

import dev.tokentally.models.ModelSpec;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates one request's count while its parts are walked: vocabulary tokens of text (scaled by
 * the family's ratio at the end, so rounding happens once per part), fixed tokens (images,
 * envelopes, templates), the weakest method met, and notes that explain estimates.
 */
final class Tally {
  private final Map<Part, Double> text = new EnumMap<>(Part.class);
  private final Map<Part, Long> fixed = new EnumMap<>(Part.class);
  private final List<String> notes = new ArrayList<>();
  private CountMethod method;

  Tally(CountMethod best) {
    this.method = best;
  }

  /** A tally at the model family's best method, already weakened when the model was unknown. */
  static Tally forModel(ModelSpec model) {
    Tally tally = new Tally(model.rules().method());
    if (model.estimate()) {
      tally.weaken(
          CountMethod.HEURISTIC,
          "model " + model.id() + " is not in the registry; counted with the configured fallback");
    }
    return tally;
  }

  void text(Part part, int vocabularyTokens) {
    text.merge(part, (double) vocabularyTokens, Double::sum);
  }

  void fixed(Part part, long tokens) {
    fixed.merge(part, tokens, Long::sum);
  }

  /** Records that part of the count is weaker than the family's best, and why. */
  void weaken(CountMethod to, String note) {
    if (to.ordinal() > method.ordinal()) {
      method = to;
    }
    if (note != null) {
      note(note);
    }
  }

  /** Adds an explanation to the count without changing its method. */
  void note(String note) {
    if (notes.size() < 20 && !notes.contains(note)) {
      notes.add(note);
    }
  }

  TokenCount result(double textRatio) {
    Map<String, Integer> breakdown = new LinkedHashMap<>();
    long total = 0;
    for (Part part : Part.values()) {
      double raw = text.getOrDefault(part, 0.0);
      long tokens = Math.round(raw * textRatio) + fixed.getOrDefault(part, 0L);
      if (tokens != 0 || part == Part.MESSAGES) {
        breakdown.put(part.key(), Math.toIntExact(tokens));
        total += tokens;
      }
    }
    return new TokenCount(Math.toIntExact(total), method, breakdown, notes);
  }

  /** The breakdown's parts, in the order they are reported. */
  enum Part {
    SYSTEM("system"),
    MESSAGES("messages"),
    TOOLS("tools"),
    IMAGES("images"),
    DOCUMENTS("documents"),
    AUDIO("audio"),
    VIDEO("video"),
    THINKING("thinking"),
    OVERHEAD("overhead");

    private final String key;

    Part(String key) {
      this.key = key;
    }

    String key() {
      return key;
    }
  }
}
