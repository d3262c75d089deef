package dev.tokentally.counting;

import java.nio.file.Path;
import java.util.Map;

/**
 * @param modelsFile user model registry merged over the shipped one, or null
 * @param fallbackModels vendor to the known model that counts unknown models of that vendor
 * @param cacheBlocks slots of the block-count cache; 0 turns it off
 */
public record CountingSettings(
    Path modelsFile, Map<String, String> fallbackModels, int cacheBlocks) {
  public CountingSettings {
    fallbackModels = Map.copyOf(fallbackModels);
  }
}
