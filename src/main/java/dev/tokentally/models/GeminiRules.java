package dev.tokentally.models;

import java.util.Locale;
import java.util.Map;

/**
 * Counting rules of one Gemini generation.
 *
 * @param coefficients tokens per term of a generateContent request, as the vendor bills it ({@code
 *     promptTokenCount}): text (1 per vocabulary token), per role-tagged Content, mixed media,
 *     function declarations, calls and responses
 * @param countTokensCoefficients the same for a countTokens request ({@code totalTokens}), which
 *     the vendor accounts differently for some generations (roles on 2.0, declarations on 1.5)
 * @param imageTokens tokens per image at the default media resolution
 * @param imageTokensByResolution tokens per image per {@code mediaResolution} value
 * @param pdfPageTokens tokens per PDF page (when images are not tiled; tiled, a page costs as an
 *     image of its size in points)
 * @param imageTilePx 0 when every image costs {@code imageTokens}; else the tile edge of Gemini
 *     2.0's scheme: an image with both edges at most this long costs one image, a larger one is
 *     scaled to fit twice the tile edge and costs one image per tile plus one for the whole
 */
public record GeminiRules(
    String tokenizer,
    CountMethod method,
    Coefficients coefficients,
    Coefficients countTokensCoefficients,
    int imageTokens,
    Map<String, Integer> imageTokensByResolution,
    int pdfPageTokens,
    double audioTokensPerSecond,
    double videoTokensPerSecond,
    int imageTilePx,
    Map<ContentKind, Double> errorPct)
    implements CountingRules {
  public GeminiRules {
    imageTokensByResolution = Map.copyOf(imageTokensByResolution);
    errorPct = Map.copyOf(errorPct);
  }

  /** Image tokens of an image of known size, at a {@code mediaResolution} value. */
  public long imageTokens(String mediaResolution, int width, int height) {
    int perImage = imageTokens(mediaResolution);
    if (imageTilePx <= 0 || Math.max(width, height) <= imageTilePx) {
      return perImage;
    }
    double scale = Math.min(1.0, 2.0 * imageTilePx / Math.max(width, height));
    long across = (long) Math.ceil(Math.round(width * scale) / (double) imageTilePx);
    long down = (long) Math.ceil(Math.round(height * scale) / (double) imageTilePx);
    return (across * down + 1) * perImage;
  }

  /** Image tokens for a {@code mediaResolution} value (null or unknown: the default). */
  public int imageTokens(String mediaResolution) {
    if (mediaResolution == null) {
      return imageTokens;
    }
    String key =
        mediaResolution.startsWith("MEDIA_RESOLUTION_")
            ? mediaResolution
            : "MEDIA_RESOLUTION_" + mediaResolution.toUpperCase(Locale.ROOT);
    return imageTokensByResolution.getOrDefault(key, imageTokens);
  }
}
