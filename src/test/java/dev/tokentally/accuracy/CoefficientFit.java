package dev.tokentally.accuracy;

import dev.tokentally.models.Term;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Fits a family's coefficients to recorded counts: weighted least squares on {@code expected -
 * fixed = sum(coefficient x quantity)}, each case weighted by 1/expected (so a 20-token request
 * weighs as much in relative terms as a 20,000-token one), with a small ridge pull towards a prior
 * that knows nothing of the data (vocabulary terms 1, structural terms 0), so a term seen in a
 * handful of cases moves only as far as they show. The ridge (5e-3) was chosen by the held-out
 * error among 1e-4, 1e-3, 5e-3 and 2e-2. Three rounds of Huber reweighting keep a few recordings
 * the vendor counted differently over time from dragging the rest.
 */
final class CoefficientFit {
  private static final double RIDGE =
      Double.parseDouble(System.getProperty("tokentally.fit.ridge", "5e-3"));
  private static final double HUBER_PCT = 0.05;

  private CoefficientFit() {}

  /** One case as the fit sees it. */
  record Observation(Map<Term, Double> quantities, double fixed, double expected) {}

  /**
   * Only the per-token and per-character rates, which many cases share and a few odd ones could
   * bend, are pulled towards their prior; a structural term (a block, a hidden prompt, a defined
   * tool) is a constant of the vendor's template, and its recordings decide alone (a vanishing
   * ridge keeps a term never seen at its prior).
   */
  static double ridge(Term term) {
    return switch (term) {
      case TEXT, TOOL_TEXT, JSON_TEXT, SCHEMA_TEXT, DIGITS, DIGIT_RUNS, NON_ASCII, NEWLINES ->
          RIDGE;
      default -> 1e-6;
    };
  }

  /**
   * What a coefficient is before any recording: 1 per vocabulary token, the definition costs the
   * vendor documents for its defined tools, and 0 for everything else.
   */
  static double prior(Term term) {
    return switch (term) {
      case TEXT, TOOL_TEXT, JSON_TEXT, SCHEMA_TEXT -> 1.0;
      case BASH_TOOL -> 245;
      case TEXT_EDITOR_TOOL -> 700;
      case COMPUTER_TOOL -> 735;
      default -> 0.0;
    };
  }

  /**
   * @param free the terms to fit
   * @param held coefficients of the terms that are not fitted (the vendor's documented values)
   */
  static Map<Term, Double> fit(List<Observation> cases, Set<Term> free, Map<Term, Double> held) {
    // A cost below zero fits a few recordings and then counts requests unlike any recorded (a
    // negative cost per digit counted long numbers as nothing; one per search result made citing
    // requests cheaper than their text): such a term is held at 0 and the rest refitted, until
    // none is negative.
    Set<Term> open = EnumSet.noneOf(Term.class);
    open.addAll(free);
    Map<Term, Double> fixed = new EnumMap<>(Term.class);
    fixed.putAll(held);
    while (true) {
      Map<Term, Double> fitted = fitFree(cases, open, fixed);
      Term negative =
          open.stream()
              .filter(t -> NON_NEGATIVE.contains(t) && fitted.get(t) < 0)
              .min(Comparator.comparing(fitted::get))
              .orElse(null);
      if (negative == null) {
        return fitted;
      }
      open.remove(negative);
      fixed.put(negative, 0.0);
    }
  }

  /**
   * Terms whose cost cannot be negative: everything a request adds. Only the two that shorten the
   * hidden tool prompt the registry states per model may go below zero.
   */
  private static final Set<Term> NON_NEGATIVE =
      EnumSet.complementOf(EnumSet.of(Term.NO_PARALLEL_TOOLS, Term.TOOL_CHOICE_NONE));

  private static Map<Term, Double> fitFree(
      List<Observation> cases, Set<Term> free, Map<Term, Double> held) {
    Term[] terms = free.toArray(new Term[0]);
    int k = terms.length;
    double[] robust = new double[cases.size()];
    Arrays.fill(robust, 1.0);
    double[] theta = new double[k];
    for (int round = 0; round < 4; round++) {
      double[][] a = new double[k][k];
      double[] b = new double[k];
      for (int i = 0; i < cases.size(); i++) {
        Observation o = cases.get(i);
        double y = target(o, held);
        double w = robust[i] / Math.max(o.expected(), 20);
        double[] x = row(o, terms);
        for (int p = 0; p < k; p++) {
          if (x[p] == 0) {
            continue;
          }
          b[p] += w * x[p] * y;
          for (int q = 0; q < k; q++) {
            a[p][q] += w * x[p] * x[q];
          }
        }
      }
      for (int p = 0; p < k; p++) {
        double ridge = ridge(terms[p]);
        a[p][p] += ridge;
        b[p] += ridge * prior(terms[p]);
      }
      theta = solve(a, b);
      for (int i = 0; i < cases.size(); i++) {
        Observation o = cases.get(i);
        double predicted = dot(row(o, terms), theta);
        double relative = Math.abs(predicted - target(o, held)) / Math.max(o.expected(), 20);
        robust[i] = relative <= HUBER_PCT ? 1.0 : HUBER_PCT / relative;
      }
    }
    Map<Term, Double> out = new EnumMap<>(Term.class);
    out.putAll(held);
    for (int p = 0; p < k; p++) {
      out.put(terms[p], theta[p]);
    }
    return out;
  }

  private static double target(Observation o, Map<Term, Double> held) {
    double y = o.expected() - o.fixed();
    for (Map.Entry<Term, Double> e : held.entrySet()) {
      y -= o.quantities().getOrDefault(e.getKey(), 0.0) * e.getValue();
    }
    return y;
  }

  private static double[] row(Observation o, Term[] terms) {
    double[] x = new double[terms.length];
    for (int p = 0; p < terms.length; p++) {
      x[p] = o.quantities().getOrDefault(terms[p], 0.0);
    }
    return x;
  }

  private static double dot(double[] x, double[] theta) {
    double s = 0;
    for (int p = 0; p < x.length; p++) {
      s += x[p] * theta[p];
    }
    return s;
  }

  /** Gaussian elimination with partial pivoting; the ridge keeps the system non-singular. */
  static double[] solve(double[][] a, double[] b) {
    int n = b.length;
    double[][] m = new double[n][];
    double[] v = b.clone();
    for (int i = 0; i < n; i++) {
      m[i] = a[i].clone();
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) {
          pivot = r;
        }
      }
      double[] t = m[col];
      m[col] = m[pivot];
      m[pivot] = t;
      double tv = v[col];
      v[col] = v[pivot];
      v[pivot] = tv;
      for (int r = col + 1; r < n; r++) {
        double f = m[r][col] / m[col][col];
        if (f == 0) {
          continue;
        }
        for (int c = col; c < n; c++) {
          m[r][c] -= f * m[col][c];
        }
        v[r] -= f * v[col];
      }
    }
    double[] x = new double[n];
    for (int r = n - 1; r >= 0; r--) {
      double s = v[r];
      for (int c = r + 1; c < n; c++) {
        s -= m[r][c] * x[c];
      }
      x[r] = s / m[r][r];
    }
    return x;
  }
}
