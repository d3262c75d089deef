package dev.tokentally.models;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * The registry file as written ({@code /models/models.json} and a user's file of the same layout),
 * bound by Jackson. Fields are snake_case; a field starting with {@code _} is a comment; any other
 * unknown field is an error, so a typo in a user file fails at start.
 */
record RegistryFile(Map<String, Family> families, List<Model> models) {
  RegistryFile {
    families = families == null ? Map.of() : Map.copyOf(families);
    models = models == null ? List.of() : List.copyOf(models);
  }

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          // A null inside a list or map ("aliases": [null]) is a mistake to name, like a typo; it
          // would otherwise fail later, far from the file, as a NullPointerException.
          .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
          .addHandler(new CommentsIgnored())
          .build();

  static RegistryFile read(InputStream in) throws IOException {
    return MAPPER.readValue(in, RegistryFile.class);
  }

  static RegistryFile read(byte[] bytes) throws IOException {
    return MAPPER.readValue(bytes, RegistryFile.class);
  }

  /**
   * One counting family. Anthropic families use the image limits and {@code unrecorded}; Gemini
   * families the media prices and {@code count_tokens_terms}.
   *
   * @param terms tokens per unit of each term, by term key
   * @param fit the terms the accuracy fit may move; read by the refit, not by counting
   * @param countTokensTerms terms that cost differently on countTokens, merged over {@code terms}
   */
  record Family(
      String vendor,
      String tokenizer,
      String method,
      Map<String, Double> terms,
      List<String> fit,
      Map<String, Double> errorPct,
      Integer imageMaxEdgePx,
      Integer imageMaxPatches,
      List<String> unrecorded,
      Integer imageTokens,
      Map<String, Integer> imageTokensByResolution,
      Integer pdfPageTokens,
      Double audioTokensPerSecond,
      Double videoTokensPerSecond,
      Map<String, Double> countTokensTerms,
      Integer imageTilePx) {}

  record Model(
      String id,
      String family,
      Long contextWindow,
      Long maxOutput,
      ToolPrompt toolPrompt,
      Boolean keepsPriorThinking,
      List<Price> prices,
      List<String> aliases) {}

  record ToolPrompt(Integer auto, Integer any) {}

  /**
   * @param from ISO date the price applies from
   */
  record Price(
      String from,
      Double inputUsdPerMtok,
      Double outputUsdPerMtok,
      Double cacheReadUsdPerMtok,
      @JsonProperty("cache_write_5m_usd_per_mtok") Double cacheWrite5mUsdPerMtok,
      @JsonProperty("cache_write_1h_usd_per_mtok") Double cacheWrite1hUsdPerMtok,
      LongContext longContext,
      Rates batch,
      Map<String, Double> usdPerRequest)
      implements RateFields {}

  /** The rates of every token of a request whose prompt is above {@code aboveInputTokens}. */
  record LongContext(
      Long aboveInputTokens,
      Double inputUsdPerMtok,
      Double outputUsdPerMtok,
      Double cacheReadUsdPerMtok,
      @JsonProperty("cache_write_5m_usd_per_mtok") Double cacheWrite5mUsdPerMtok,
      @JsonProperty("cache_write_1h_usd_per_mtok") Double cacheWrite1hUsdPerMtok)
      implements RateFields {}

  record Rates(
      Double inputUsdPerMtok,
      Double outputUsdPerMtok,
      Double cacheReadUsdPerMtok,
      @JsonProperty("cache_write_5m_usd_per_mtok") Double cacheWrite5mUsdPerMtok,
      @JsonProperty("cache_write_1h_usd_per_mtok") Double cacheWrite1hUsdPerMtok)
      implements RateFields {}

  /** The five rate fields a price, its long-context tier and its batch rates all have. */
  interface RateFields {
    Double inputUsdPerMtok();

    Double outputUsdPerMtok();

    Double cacheReadUsdPerMtok();

    Double cacheWrite5mUsdPerMtok();

    Double cacheWrite1hUsdPerMtok();

    default ModelSpec.Rates rates() {
      return new ModelSpec.Rates(
          inputUsdPerMtok(),
          outputUsdPerMtok(),
          cacheReadUsdPerMtok(),
          cacheWrite5mUsdPerMtok(),
          cacheWrite1hUsdPerMtok());
    }
  }

  /** Skips {@code _comment}, {@code _note} and other underscore fields wherever they appear. */
  private static final class CommentsIgnored extends DeserializationProblemHandler {
    @Override
    public boolean handleUnknownProperty(
        DeserializationContext context,
        JsonParser p,
        JsonDeserializer<?> deserializer,
        Object beanOrClass,
        String propertyName)
        throws IOException {
      if (propertyName.startsWith("_")) {
        p.skipChildren();
        return true;
      }
      return false;
    }
  }
}
