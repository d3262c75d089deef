package dev.tokentally.counting;

import dev.tokentally.errors.RejectedException;
import dev.tokentally.models.Coefficients;
import dev.tokentally.models.ContentKind;
import dev.tokentally.models.CountMethod;
import dev.tokentally.models.CountingRules;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.models.Term;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates one request's count while its parts are walked: the quantity of each {@link Term} per
 * part (vocabulary tokens, digits, blocks, turns, ...), tokens known exactly (image patches, media,
 * the hidden tool prompt), what kind of content it holds, the weakest method met, and notes that
 * explain estimates. The family's coefficients turn it into tokens once, at the end, so rounding
 * happens once per part.
 */
final class Tally {
  private static final int TERMS = Term.values().length;

  private final TextCounter counter;
  private final double[][] quantities = new double[Part.values().length][TERMS];
  private final long[] fixed = new long[Part.values().length];
  private final List<String> notes = new ArrayList<>();
  private CountMethod method;
  private ContentKind kind = ContentKind.TEXT;

  private Tally(TextCounter counter, CountMethod best) {
    this.counter = counter;
    this.method = best;
  }

  /** A tally at the model family's best method, already weakened when the model was unknown. */
  static Tally forModel(ModelSpec model, TextCounter counter) {
    Tally tally = new Tally(counter, model.rules().method());
    if (model.estimate()) {
      tally.weaken(
          CountMethod.HEURISTIC,
          "model " + model.id() + " is not in the registry; counted with the configured fallback");
    }
    if (model.variant() != null) {
      tally.note(
          "model "
              + model.variant()
              + " is not in the registry; counted as its base model "
              + model.id());
    }
    return tally;
  }

  /** Prose: its vocabulary tokens and the character classes some tokenizers split finer. */
  void text(Part part, String text) {
    text(part, Term.TEXT, text);
  }

  /** JSON in the conversation (tool inputs, call arguments and results). */
  void json(Part part, String json) {
    text(part, Term.JSON_TEXT, json);
  }

  /** A structured-output schema. */
  void schema(String json) {
    text(Part.SYSTEM, Term.SCHEMA_TEXT, json);
  }

  /** Text of a tool or function definition. */
  void toolText(String text) {
    text(Part.TOOLS, Term.TOOL_TEXT, text);
  }

  private void text(Part part, Term term, String text) {
    if (text == null || text.isEmpty()) {
      return;
    }
    double[] q = quantities[part.ordinal()];
    q[term.ordinal()] += counter.count(text);
    int digits = 0;
    int digitRuns = 0;
    int nonAscii = 0;
    int newlines = 0;
    boolean inRun = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean digit = c >= '0' && c <= '9';
      if (digit && !inRun) {
        digitRuns++;
      }
      inRun = digit;
      if (digit) {
        digits++;
      } else if (c == '\n') {
        newlines++;
      } else if (c > 0x7F && !Character.isLowSurrogate(c)) {
        nonAscii++;
      }
    }
    q[Term.DIGITS.ordinal()] += digits;
    q[Term.DIGIT_RUNS.ordinal()] += digitRuns;
    q[Term.NON_ASCII.ordinal()] += nonAscii;
    q[Term.NEWLINES.ordinal()] += newlines;
  }

  /** {@code quantity} units of a structural term (blocks, turns, definitions). */
  void add(Part part, Term term, double quantity) {
    quantities[part.ordinal()][term.ordinal()] += quantity;
  }

  void fixed(Part part, long tokens) {
    fixed[part.ordinal()] = saturatedSum(fixed[part.ordinal()], tokens);
  }

  /** Records that the request holds content of {@code seen}; the richest kind seen wins. */
  void kind(ContentKind seen) {
    if (seen.ordinal() > kind.ordinal()) {
      kind = seen;
    }
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

  TokenCount result(CountingRules rules, TextCorrection correction) {
    return result(rules, rules.coefficients(), correction);
  }

  /**
   * The count with the family's coefficients, or, when a live correction of the family is given,
   * the family's text model is calibrated (not the vendor's own vocabulary) and the count is at
   * that method, with its text terms scaled by the correction.
   */
  TokenCount result(CountingRules rules, Coefficients coefficients, TextCorrection correction) {
    Map<Term, Double> terms = new EnumMap<>(Term.class);
    double textTokens = 0;
    for (Part part : Part.values()) {
      double[] q = quantities[part.ordinal()];
      for (Term term : Term.values()) {
        double quantity = q[term.ordinal()];
        if (quantity != 0) {
          terms.merge(term, quantity, Double::sum);
          if (term.isText()) {
            textTokens += quantity * coefficients.of(term);
          }
        }
      }
    }
    if (rules.method() != CountMethod.CALIBRATED) {
      // The family's text is counted with its own vocabulary: nothing for a correction to learn.
      textTokens = 0;
    }
    Map<String, Integer> breakdown = breakdown(coefficients, 1);
    int total = total(breakdown);
    long fixedTotal = 0;
    for (long f : fixed) {
      fixedTotal += f;
    }
    TokenCount.Terms counted = new TokenCount.Terms(terms, fixedTotal);
    if (correction != null && method == CountMethod.CALIBRATED && textTokens > 0) {
      Map<String, Integer> corrected = breakdown(coefficients, correction.factor());
      return new TokenCount(
          total(corrected),
          CountMethod.CALIBRATED_LIVE,
          kind,
          correction.errorPct(),
          corrected,
          notes,
          counted,
          textTokens,
          new TextCorrection.Applied(correction, total));
    }
    return new TokenCount(
        total, method, kind, errorPct(rules), breakdown, notes, counted, textTokens, null);
  }

  /** Tokens per part, rounded once per part, with the text terms scaled by {@code textFactor}. */
  private Map<String, Integer> breakdown(Coefficients coefficients, double textFactor) {
    Map<String, Integer> breakdown = new LinkedHashMap<>();
    for (Part part : Part.values()) {
      double[] q = quantities[part.ordinal()];
      double scaled = 0;
      for (Term term : Term.values()) {
        double quantity = q[term.ordinal()];
        if (quantity != 0) {
          scaled += quantity * coefficients.of(term) * (term.isText() ? textFactor : 1);
        }
      }
      long tokens = saturatedSum(Math.max(0, Math.round(scaled)), fixed[part.ordinal()]);
      if (tokens != 0 || part == Part.MESSAGES) {
        breakdown.put(part.key(), fitting(tokens));
      }
    }
    return breakdown;
  }

  private static int total(Map<String, Integer> breakdown) {
    return fitting(breakdown.values().stream().mapToLong(Integer::longValue).sum());
  }

  /**
   * A count is an int: one past that is past every model's context window, and can only come from
   * media headers claiming durations their data cannot hold. Refused rather than wrapped around.
   */
  private static int fitting(long tokens) {
    if (tokens > Integer.MAX_VALUE) {
      throw RejectedException.invalidAt(
          "$",
          "the request counts to more than "
              + Integer.MAX_VALUE
              + " tokens, more than any model takes; an audio or video header may claim a"
              + " duration its data does not hold");
    }
    return (int) tokens;
  }

  /** Token sums saturate instead of overflowing, so {@link #fitting} sees them too large. */
  private static long saturatedSum(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  /**
   * The family's stated error for this kind of content; 0 for an exact tokenizer count with no
   * stated error, and none (null) for heuristic counts, whose error no recording bounds.
   */
  private Double errorPct(CountingRules rules) {
    if (method == CountMethod.HEURISTIC) {
      return null;
    }
    Double stated = rules.errorPct().get(kind);
    if (stated != null) {
      return stated;
    }
    return method == CountMethod.TOKENIZER ? 0.0 : null;
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
