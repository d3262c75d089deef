package dev.tokentally.models;

import dev.tokentally.counting.CountMethod;
import java.util.Map;

/**
 * Counting rules of one Gemini generation.
 *
 * @param coefficients tokens per term: text (1 per vocabulary token), per role-tagged Content,
 *     mixed media, function declarations, calls and responses
 * @param imageTokens tokens per image at the default media resolution
 * @param imageTokensByResolution tokens per image per {@code mediaResolution} value
 * @param pdfPageTokens tokens per PDF page
 */
public record GeminiRules(
    String tokenizer,
    CountMethod method,
    Coefficients coefficients,
    int imageTokens,
    Map<String, Integer> imageTokensByResolution,
    int pdfPageTokens,
    double audioTokensPerSecond,
    double videoTokensPerSecond,
    Map<ContentKind, Double> errorPct)
    implements CountingRules {
  public GeminiRules {
    imageTokensByResolution = Map.copyOf(imageTokensByResolution);
    errorPct = Map.copyOf(errorPct);
  }

  /** Image tokens for a {@code mediaResolution} value (null or unknown: the default). */
  public int imageTokens(String mediaResolution) {
    if (mediaResolution == null) {
      return imageTokens;
    }
    String key =
        mediaResolution.startsWith("MEDIA_RESOLUTION_")
            ? mediaResolution
            : "MEDIA_RESOLUTION_" + mediaResolution.toUpperCase(java.util.Locale.ROOT);
    return imageTokensByResolution.getOrDefault(key, imageTokens);
  }
}
