package dev.tokentally.models;

import java.util.Map;

/**
 * Tokens per unit of each {@link Term} for one family. A term the registry does not name costs 0.
 */
public final class Coefficients {
  private final double[] values = new double[Term.values().length];

  public Coefficients(Map<Term, Double> byTerm) {
    byTerm.forEach((term, value) -> values[term.ordinal()] = value);
  }

  public double of(Term term) {
    return values[term.ordinal()];
  }
}
