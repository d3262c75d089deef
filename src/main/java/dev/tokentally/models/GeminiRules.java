package dev.tokentally.models;

import dev.tokentally.counting.CountMethod;
import java.util.Map;

/**
 * Counting rules of one Gemini generation.
 *
 * @param roleTokens tokens per Content that carries a role
 * @param mixedMediaExtra extra token when one Content mixes media and text
 * @param imageTokens tokens per image at the default media resolution
 * @param imageTokensByResolution tokens per image per {@code mediaResolution} value
 * @param pdfPageTokens tokens per PDF page
 * @param functionDeclarationOverhead template tokens per function declaration
 * @param functionPropertyOverhead template tokens per parameter property of a declaration
 * @param toolsOverhead template tokens once when any function is declared
 * @param functionCallOverhead template tokens per functionCall / functionResponse part
 */
public record GeminiRules(
    String tokenizer,
    CountMethod method,
    int roleTokens,
    int mixedMediaExtra,
    int imageTokens,
    Map<String, Integer> imageTokensByResolution,
    int pdfPageTokens,
    double audioTokensPerSecond,
    double videoTokensPerSecond,
    int functionDeclarationOverhead,
    int functionPropertyOverhead,
    int toolsOverhead,
    int functionCallOverhead)
    implements CountingRules {
  public GeminiRules {
    imageTokensByResolution = Map.copyOf(imageTokensByResolution);
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
