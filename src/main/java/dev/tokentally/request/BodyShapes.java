package dev.tokentally.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.errors.RejectedException;
import java.util.Set;

/**
 * What a body must look like for its API before it is counted: the envelope (model, messages or
 * contents, output limit). The counters check the blocks inside as they walk them.
 */
public final class BodyShapes {
  /** Current models also take {@code system} messages mid-conversation; they count like text. */
  private static final Set<String> ANTHROPIC_ROLES = Set.of("user", "assistant", "system");

  /** Shared with the counters, which check nested content (tool results) the same way. */
  public static final String CONTENT_SHAPE = "content must be a string or an array of blocks";

  private BodyShapes() {}

  /** The endpoint a bare body addresses, decided from its shape; null when it is neither API. */
  static Endpoint inferEndpoint(ObjectNode body, Api api) {
    if (api == Api.ANTHROPIC_MESSAGES || api == null && body.has("messages")) {
      return Endpoint.MESSAGES;
    }
    if (api == Api.GEMINI_GENERATE_CONTENT || api == null && isGemini(body)) {
      if (countTokensWrapper(body) != null) {
        return Endpoint.COUNT_TOKENS;
      }
      return body.has("input") && !body.has("contents")
          ? Endpoint.INTERACTIONS
          : Endpoint.GENERATE_CONTENT;
    }
    return null;
  }

  private static boolean isGemini(ObjectNode body) {
    return body.has("contents") || countTokensWrapper(body) != null || body.has("input");
  }

  /** The name of countTokens' request wrapper when the body has one, camelCase or snake_case. */
  private static String countTokensWrapper(ObjectNode body) {
    if (body.has("generateContentRequest")) {
      return "generateContentRequest";
    }
    return body.has("generate_content_request") ? "generate_content_request" : null;
  }

  /**
   * @param at JSON path of the body inside the record value ({@code $} or {@code $.body})
   * @param outsideModel the model named outside the body (URL path, header), or null
   */
  static LlmRequest check(
      ObjectNode body, String at, Endpoint endpoint, String outsideModel, CapturedHttp http) {
    return endpoint.api() == Api.ANTHROPIC_MESSAGES
        ? anthropic(body, at, endpoint, http)
        : gemini(body, at, endpoint, outsideModel, http);
  }

  private static LlmRequest anthropic(
      ObjectNode body, String at, Endpoint endpoint, CapturedHttp http) {
    JsonNode model = body.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      throw RejectedException.invalidAt(at + ".model", "\"model\" must be a non-empty string");
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray()) {
      throw RejectedException.invalidAt(at + ".messages", "\"messages\" must be an array");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      String path = at + ".messages[" + i + "]";
      if (!message.isObject()) {
        throw RejectedException.invalidAt(path, "each message must be an object");
      }
      JsonNode role = message.get("role");
      if (role == null || !role.isTextual() || !ANTHROPIC_ROLES.contains(role.asText())) {
        throw RejectedException.invalidAt(
            path + ".role", "role must be \"user\", \"assistant\" or \"system\"");
      }
      JsonNode content = message.get("content");
      if (content == null || !(content.isTextual() || content.isArray())) {
        throw RejectedException.invalidAt(path + ".content", CONTENT_SHAPE);
      }
    }
    JsonNode maxTokens = body.get("max_tokens");
    if (maxTokens != null && !maxTokens.isNull() && !isCount(maxTokens)) {
      throw RejectedException.invalidAt(
          at + ".max_tokens", "\"max_tokens\" must be a non-negative integer");
    }
    return new LlmRequest(endpoint, model.asText(), body, body, "$", http, longOrNull(maxTokens));
  }

  private static LlmRequest gemini(
      ObjectNode body, String at, Endpoint endpoint, String outsideModel, CapturedHttp http) {
    String wrapper = countTokensWrapper(body);
    JsonNode inner = wrapper == null ? body : body.get(wrapper);
    String prefix = wrapper == null ? at : at + "." + wrapper;
    if (!(inner instanceof ObjectNode content)) {
      throw RejectedException.invalidAt(prefix, wrapper + " must be an object");
    }
    JsonNode contents = content.get("contents");
    JsonNode input = content.get("input");
    if (contents == null && input == null) {
      throw RejectedException.invalidAt(
          prefix + ".contents", "\"contents\" (or Interactions' \"input\") is required");
    }
    if (contents != null && !contents.isArray() && !contents.isObject()) {
      // The API's JSON reader takes a lone object for a repeated field; recorded calls rely on it.
      throw RejectedException.invalidAt(
          prefix + ".contents", "\"contents\" must be an array or an object");
    }
    JsonNode model = content.has("model") ? content.get("model") : body.get("model");
    if (model != null && !model.isNull() && !model.isTextual()) {
      throw RejectedException.invalidAt(prefix + ".model", "\"model\" must be a string");
    }
    JsonNode config = field(content, "generationConfig", "generation_config");
    JsonNode maxOutput = field(config, "maxOutputTokens", "max_output_tokens");
    if (maxOutput != null && !maxOutput.isNull() && !isCount(maxOutput)) {
      throw RejectedException.invalidAt(
          prefix + ".generationConfig.maxOutputTokens", "must be a non-negative integer");
    }
    String named = outsideModel != null ? outsideModel : model == null ? null : model.asText(null);
    return new LlmRequest(
        endpoint,
        named,
        body,
        content,
        wrapper == null ? "$" : "$." + wrapper,
        http,
        longOrNull(maxOutput));
  }

  private static JsonNode field(JsonNode node, String camel, String snake) {
    if (node == null || !node.isObject()) {
      return null;
    }
    return node.has(camel) ? node.get(camel) : node.get(snake);
  }

  /**
   * An output limit a budget can reserve: a negative one would give budget back at gating, to be
   * taken again only when the request settles.
   */
  private static boolean isCount(JsonNode node) {
    return node.canConvertToLong() && node.asLong() >= 0;
  }

  private static Long longOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asLong();
  }
}
