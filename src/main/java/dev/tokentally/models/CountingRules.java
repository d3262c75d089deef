package dev.tokentally.models;

import dev.tokentally.counting.CountMethod;

/** How one model family counts; the vendor decides which kind applies. */
public sealed interface CountingRules permits AnthropicRules, GeminiRules {
  /** Name of the shipped vocabulary: {@code claude}, {@code gemma3} or {@code gemini1}. */
  String tokenizer();

  /** Best method a count with these rules can claim. */
  CountMethod method();
}
