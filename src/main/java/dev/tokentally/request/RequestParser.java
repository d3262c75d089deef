package dev.tokentally.request;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.deadletter.ErrorCode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Parses a record value into an {@link LlmRequest}, deciding the API from the body's shape:
 * Anthropic Messages bodies carry {@code messages}, Gemini bodies carry {@code contents} (or
 * countTokens' {@code generateContentRequest} wrapper).
 */
public final class RequestParser {
  /** Deep enough for real tool schemas; shallow enough that hostile nesting fails fast. */
  public static final int MAX_NESTING_DEPTH = 128;

  private static final Set<String> ANTHROPIC_ROLES = Set.of("user", "assistant");

  private final ObjectMapper mapper;

  public RequestParser() {
    this.mapper =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build());
  }

  public ParseResult parse(byte[] value) {
    return parse(value, null);
  }

  /**
   * @param api the API the caller knows the body belongs to (a URL path, {@code --api}), or null to
   *     decide from the body's shape
   */
  public ParseResult parse(byte[] value, Api api) {
    if (value == null || value.length == 0) {
      return invalid(ErrorCode.INVALID_JSON, "record value is empty", Map.of());
    }
    JsonNode root;
    try {
      root = mapper.readTree(value);
    } catch (JsonProcessingException e) {
      return invalid(
          ErrorCode.INVALID_JSON,
          "value is not valid JSON: " + e.getOriginalMessage(),
          location(e.getLocation()));
    } catch (IOException e) {
      return invalid(
          ErrorCode.INVALID_JSON, "value is not valid JSON: " + e.getMessage(), Map.of());
    }
    if (root == null || root.isMissingNode()) {
      return invalid(ErrorCode.INVALID_JSON, "record value holds no JSON document", Map.of());
    }
    if (!(root instanceof ObjectNode body)) {
      return invalidAt("$", "request body must be a JSON object, got " + root.getNodeType());
    }
    if (api == Api.ANTHROPIC_MESSAGES || api == null && body.has("messages")) {
      return parseAnthropic(body);
    }
    if (api == Api.GEMINI_GENERATE_CONTENT || api == null && isGemini(body)) {
      return parseGemini(body);
    }
    return invalidAt(
        "$",
        "body is neither an Anthropic Messages request (no \"messages\") "
            + "nor a Gemini request (no \"contents\")");
  }

  private static boolean isGemini(ObjectNode body) {
    return body.has("contents")
        || body.has("generateContentRequest")
        || body.has("generate_content_request")
        || body.has("input");
  }

  private static ParseResult parseAnthropic(ObjectNode body) {
    JsonNode model = body.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      return invalidAt("$.model", "\"model\" must be a non-empty string");
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray()) {
      return invalidAt("$.messages", "\"messages\" must be an array");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      String path = "$.messages[" + i + "]";
      if (!message.isObject()) {
        return invalidAt(path, "each message must be an object");
      }
      JsonNode role = message.get("role");
      if (role == null || !role.isTextual() || !ANTHROPIC_ROLES.contains(role.asText())) {
        return invalidAt(path + ".role", "role must be \"user\" or \"assistant\"");
      }
      JsonNode content = message.get("content");
      if (content == null || !(content.isTextual() || content.isArray())) {
        return invalidAt(path + ".content", "content must be a string or an array of blocks");
      }
    }
    return new ParseResult.Parsed(new LlmRequest(Api.ANTHROPIC_MESSAGES, model.asText(), body));
  }

  private static ParseResult parseGemini(ObjectNode body) {
    String wrapper =
        body.has("generate_content_request")
            ? "generate_content_request"
            : "generateContentRequest";
    JsonNode inner = body.has(wrapper) ? body.get(wrapper) : body;
    String prefix = body.has(wrapper) ? "$." + wrapper : "$";
    if (!inner.isObject()) {
      return invalidAt(prefix, wrapper + " must be an object");
    }
    JsonNode contents = inner.get("contents");
    JsonNode input = inner.get("input");
    if (contents == null && input == null) {
      return invalidAt(
          prefix + ".contents", "\"contents\" (or Interactions' \"input\") is required");
    }
    if (contents != null && !contents.isArray()) {
      return invalidAt(prefix + ".contents", "\"contents\" must be an array");
    }
    JsonNode model = inner.has("model") ? inner.get("model") : body.get("model");
    if (model != null && !model.isTextual()) {
      return invalidAt(prefix + ".model", "\"model\" must be a string");
    }
    return new ParseResult.Parsed(
        new LlmRequest(Api.GEMINI_GENERATE_CONTENT, model == null ? null : model.asText(), body));
  }

  private static ParseResult.Invalid invalidAt(String path, String message) {
    return invalid(ErrorCode.INVALID_REQUEST, message, Map.of("path", path));
  }

  private static ParseResult.Invalid invalid(
      ErrorCode code, String message, Map<String, Object> details) {
    return new ParseResult.Invalid(code, message, details);
  }

  private static Map<String, Object> location(JsonLocation location) {
    Map<String, Object> details = new LinkedHashMap<>();
    if (location != null) {
      details.put("line", location.getLineNr());
      details.put("column", location.getColumnNr());
      details.put("byte_offset", location.getByteOffset());
    }
    return details;
  }
}
