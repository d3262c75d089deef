package dev.tokentally.counting;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Rejection;
import dev.tokentally.models.ModelRegistry;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.request.Api;
import dev.tokentally.request.Endpoint;
import dev.tokentally.request.LlmRequest;
import java.util.Map;

/**
 * Counts the input tokens of a parsed request the way its vendor does: resolves the model in the
 * registry, then applies that family's rules. One instance serves every stream thread and the HTTP
 * endpoints, so all of them share the vocabularies and the block-count cache. Callers reach it
 * through {@link RequestCounting}, which parses first.
 */
public final class RequestCounter {
  private final ModelRegistry registry;
  private final BlockCountCache cache;
  private final AnthropicCounter anthropic;
  private final Map<String, GeminiCounter> gemini;

  public RequestCounter(ModelRegistry registry, BlockCountCache cache) {
    this.registry = registry;
    this.cache = cache;
    this.anthropic = new AnthropicCounter(new TextCounter(Tokenizers.claude(), 1, cache));
    this.gemini =
        Map.of(
            // The lambdas defer to Tokenizers' holders, so a vocabulary loads on its first use.
            "gemma3",
                new GeminiCounter(new TextCounter(t -> Tokenizers.gemma3().count(t), 2, cache)),
            "gemini1",
                new GeminiCounter(new TextCounter(t -> Tokenizers.gemini1().count(t), 3, cache)));
  }

  /** The counter of a configuration: the stream, the HTTP endpoints and {@code count} share it. */
  public static RequestCounter of(CountingSettings settings) {
    return new RequestCounter(
            ModelRegistry.load(settings.modelsFile(), settings.fallbackModels()),
            new BlockCountCache(settings.cacheBlocks()))
        .warmUp();
  }

  /** The shipped registry with a 64k-block cache, no user models and no fallbacks; for tests. */
  public static RequestCounter withDefaults() {
    return new RequestCounter(ModelRegistry.builtIn(), new BlockCountCache(65_536));
  }

  /**
   * Loads the vocabularies current models count with, so the first Gemini record after start does
   * not pay for it. Gemini 1.x's vocabulary stays lazy: those models are retired.
   */
  public RequestCounter warmUp() {
    Tokenizers.gemma3();
    return this;
  }

  public ModelRegistry registry() {
    return registry;
  }

  public BlockCountCache cache() {
    return cache;
  }

  /**
   * The count of a request for the model it names.
   *
   * @throws RejectedException when it names no model, an unknown one, or a part is malformed
   */
  CountOutcome.Counted count(LlmRequest request, TextCorrection.Source corrections) {
    String requested = request.model();
    String vendor = request.api().vendor();
    if (requested == null) {
      throw RejectedException.invalidAt(
          "$.model", "no model: the body names none and none was given with the record");
    }
    ModelSpec spec =
        registry
            .resolve(requested, vendor)
            .orElseThrow(
                () ->
                    new Rejection(
                            ErrorCode.UNKNOWN_MODEL,
                            "model \"" + requested + "\" is not a known " + vendor + " model",
                            Map.of("model", requested))
                        .exception());
    TextCorrection correction = corrections.forFamily(spec.family());
    TokenCount count =
        request.api() == Api.ANTHROPIC_MESSAGES
            ? anthropic.count(request, spec, correction)
            : gemini
                .get(spec.rules().tokenizer())
                .count(request, spec, request.endpoint() == Endpoint.COUNT_TOKENS, correction);
    return new CountOutcome.Counted(request, spec, count);
  }
}
