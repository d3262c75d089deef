package dev.tokentally.models;

import java.util.Map;
import java.util.Set;

/**
 * Counting rules of one Claude generation.
 *
 * @param coefficients tokens per term: Claude 2 vocabulary tokens and digits of text, the
 *     per-request and per-turn envelope, tool and block templates, Anthropic-defined tools
 * @param imageMaxEdgePx long edge above which the vendor downscales an image
 * @param imageMaxPatches 28-px patches above which the vendor downscales an image
 * @param unrecorded terms whose coefficient is the vendor's published figure with no recorded count
 *     behind it (Anthropic-defined tools a family has no recordings of): counts that use them are
 *     heuristic
 */
public record AnthropicRules(
    String tokenizer,
    CountMethod method,
    Coefficients coefficients,
    int imageMaxEdgePx,
    int imageMaxPatches,
    Set<Term> unrecorded,
    Map<ContentKind, Double> errorPct)
    implements CountingRules {
  public AnthropicRules {
    unrecorded = Set.copyOf(unrecorded);
    errorPct = Map.copyOf(errorPct);
  }
}
