package dev.tokentally.models;

import java.util.Map;

/** How one model family counts; the vendor decides which kind applies. */
public sealed interface CountingRules permits AnthropicRules, GeminiRules {
  /** Name of the shipped vocabulary: {@code claude}, {@code gemma3} or {@code gemini1}. */
  String tokenizer();

  /** Best method a count with these rules can claim. */
  CountMethod method();

  /** Tokens per unit of each term, fitted to recorded counts or taken from the vendor's docs. */
  Coefficients coefficients();

  /**
   * The expected error of a count, in percent: the cross-validated 95th percentile of the absolute
   * error on recorded counts of this kind (docs/accuracy.md). Kinds without enough evidence are
   * absent.
   */
  Map<ContentKind, Double> errorPct();
}
