package dev.tokentally.request;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.errors.ErrorCode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a record value into an {@link LlmRequest}. The value is either a bare request body, whose
 * API is decided from its shape (Anthropic Messages bodies carry {@code messages}; Gemini bodies
 * carry {@code contents}, countTokens' {@code generateContentRequest} wrapper or Interactions'
 * {@code input}), or a captured HTTP request {@code {"method","path","headers","body"}} whose path
 * names the endpoint and, for Gemini, the model.
 */
public final class RequestParser {
  private static final Pattern QUOTED_TOKEN = Pattern.compile("token '([^']*)'");

  /** Deep enough for real tool schemas; shallow enough that hostile nesting fails fast. */
  public static final int MAX_NESTING_DEPTH = 128;

  /** Current models also take {@code system} messages mid-conversation; they count like text. */
  private static final Set<String> ANTHROPIC_ROLES = Set.of("user", "assistant", "system");

  private final ObjectMapper mapper;

  public RequestParser() {
    this.mapper =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                // The record size limit bounds strings; a base64 image may be most of a record.
                .maxStringLength(Integer.MAX_VALUE)
                .build());
  }

  public ParseResult parse(byte[] value) {
    return parse(value, null, null);
  }

  public ParseResult parse(byte[] value, Api api) {
    return parse(value, api, null);
  }

  /**
   * @param api the API the caller knows the body belongs to ({@code --api}), or null to decide from
   *     the captured path or the body's shape
   * @param modelHint the model named outside the body (the model header), or null
   */
  public ParseResult parse(byte[] value, Api api, String modelHint) {
    if (value == null || value.length == 0) {
      return invalid(ErrorCode.INVALID_JSON, "record value is empty", Map.of());
    }
    JsonText read = readJson(() -> mapper.readTree(value), "value", null);
    if (read.invalid() != null) {
      return read.invalid();
    }
    JsonNode root = read.node();
    if (root == null || root.isMissingNode()) {
      return invalid(ErrorCode.INVALID_JSON, "record value holds no JSON document", Map.of());
    }
    if (!(root instanceof ObjectNode object)) {
      return invalidAt("$", "request body must be a JSON object, got " + root.getNodeType());
    }
    if (api == null && isCapturedHttp(object)) {
      return parseCaptured(object, modelHint);
    }
    Endpoint endpoint = inferEndpoint(object, api);
    if (endpoint == null) {
      return invalidAt(
          "$",
          "body is neither an Anthropic Messages request (no \"messages\") "
              + "nor a Gemini request (no \"contents\")");
    }
    return parseBody(object, "$", endpoint, modelHint, null);
  }

  /**
   * A request body that arrived over HTTP at {@code route}: the path decides the endpoint and, for
   * Gemini, the model, exactly as for a captured request.
   */
  public ParseResult parseRouted(RequestPath.Route route, byte[] body) {
    if (body == null || body.length == 0) {
      return invalid(ErrorCode.INVALID_JSON, "request body is empty", Map.of());
    }
    JsonText read = readJson(() -> mapper.readTree(body), "body", null);
    if (read.invalid() != null) {
      return read.invalid();
    }
    if (!(read.node() instanceof ObjectNode object)) {
      return invalidAt("$", "request body must be a JSON object");
    }
    return parseBody(object, "$", route.endpoint(), route.model(), null);
  }

  /** A captured request names its path and carries the body; no API body has both fields. */
  private static boolean isCapturedHttp(ObjectNode root) {
    return root.path("path").isTextual() && root.has("body");
  }

  private ParseResult parseCaptured(ObjectNode root, String modelHint) {
    String path = root.get("path").asText();
    Optional<RequestPath.Route> route = RequestPath.route(path);
    if (route.isEmpty()) {
      return invalidAt(
          "$.path",
          "path \""
              + abbreviate(path)
              + "\" is not a supported endpoint (/v1/messages, /v1/messages/count_tokens, "
              + "/v1beta/models/{model}:generateContent|streamGenerateContent|countTokens, "
              + "/v1beta/interactions; optionally under /v3/compat or /anthropic)");
    }
    JsonNode method = root.get("method");
    if (method != null && !method.isNull()) {
      if (!method.isTextual() || !method.asText().equalsIgnoreCase("POST")) {
        return invalidAt("$.method", "method must be POST, got " + abbreviate(method.toString()));
      }
    }
    JsonNode headers = root.get("headers");
    if (headers != null && !headers.isNull() && !headers.isObject()) {
      return invalidAt("$.headers", "headers must be an object of name to value");
    }
    CapturedHttp http =
        CapturedHttp.of(
            method == null || method.isNull() ? "POST" : method.asText(), path, headers);
    JsonNode body = root.get("body");
    if (body.isTextual()) {
      String text = body.asText();
      JsonText read = readJson(() -> mapper.readTree(text), "body", "$.body");
      if (read.invalid() != null) {
        return read.invalid();
      }
      body = read.node();
    }
    if (!(body instanceof ObjectNode object)) {
      return invalidAt("$.body", "body must be a JSON object (or a string holding one)");
    }
    RequestPath.Route r = route.get();
    String model = r.model() != null ? r.model() : modelHint;
    if (model == null) {
      model = http.header(RequestHeaders.MODEL);
    }
    return parseBody(object, "$.body", r.endpoint(), model, http);
  }

  private static Endpoint inferEndpoint(ObjectNode body, Api api) {
    if (api == Api.ANTHROPIC_MESSAGES || api == null && body.has("messages")) {
      return Endpoint.MESSAGES;
    }
    if (api == Api.GEMINI_GENERATE_CONTENT || api == null && isGemini(body)) {
      if (body.has("generateContentRequest") || body.has("generate_content_request")) {
        return Endpoint.COUNT_TOKENS;
      }
      return body.has("input") && !body.has("contents")
          ? Endpoint.INTERACTIONS
          : Endpoint.GENERATE_CONTENT;
    }
    return null;
  }

  private static boolean isGemini(ObjectNode body) {
    return body.has("contents")
        || body.has("generateContentRequest")
        || body.has("generate_content_request")
        || body.has("input");
  }

  private static ParseResult parseBody(
      ObjectNode body, String at, Endpoint endpoint, String outsideModel, CapturedHttp http) {
    return endpoint.api() == Api.ANTHROPIC_MESSAGES
        ? parseAnthropic(body, at, endpoint, http)
        : parseGemini(body, at, endpoint, outsideModel, http);
  }

  private static ParseResult parseAnthropic(
      ObjectNode body, String at, Endpoint endpoint, CapturedHttp http) {
    JsonNode model = body.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      return invalidAt(at + ".model", "\"model\" must be a non-empty string");
    }
    JsonNode messages = body.get("messages");
    if (messages == null || !messages.isArray()) {
      return invalidAt(at + ".messages", "\"messages\" must be an array");
    }
    for (int i = 0; i < messages.size(); i++) {
      JsonNode message = messages.get(i);
      String path = at + ".messages[" + i + "]";
      if (!message.isObject()) {
        return invalidAt(path, "each message must be an object");
      }
      JsonNode role = message.get("role");
      if (role == null || !role.isTextual() || !ANTHROPIC_ROLES.contains(role.asText())) {
        return invalidAt(path + ".role", "role must be \"user\", \"assistant\" or \"system\"");
      }
      JsonNode content = message.get("content");
      if (content == null || !(content.isTextual() || content.isArray())) {
        return invalidAt(path + ".content", "content must be a string or an array of blocks");
      }
    }
    JsonNode maxTokens = body.get("max_tokens");
    if (maxTokens != null && !maxTokens.isNull() && !maxTokens.canConvertToLong()) {
      return invalidAt(at + ".max_tokens", "\"max_tokens\" must be an integer");
    }
    return new ParseResult.Parsed(
        new LlmRequest(endpoint, model.asText(), body, http, longOrNull(maxTokens)));
  }

  private static ParseResult parseGemini(
      ObjectNode body, String at, Endpoint endpoint, String outsideModel, CapturedHttp http) {
    String wrapper =
        body.has("generate_content_request")
            ? "generate_content_request"
            : "generateContentRequest";
    JsonNode inner = body.has(wrapper) ? body.get(wrapper) : body;
    String prefix = body.has(wrapper) ? at + "." + wrapper : at;
    if (!inner.isObject()) {
      return invalidAt(prefix, wrapper + " must be an object");
    }
    JsonNode contents = inner.get("contents");
    JsonNode input = inner.get("input");
    if (contents == null && input == null) {
      return invalidAt(
          prefix + ".contents", "\"contents\" (or Interactions' \"input\") is required");
    }
    if (contents != null && !contents.isArray() && !contents.isObject()) {
      // The API's JSON reader takes a lone object for a repeated field; recorded calls rely on it.
      return invalidAt(prefix + ".contents", "\"contents\" must be an array or an object");
    }
    JsonNode model = inner.has("model") ? inner.get("model") : body.get("model");
    if (model != null && !model.isNull() && !model.isTextual()) {
      return invalidAt(prefix + ".model", "\"model\" must be a string");
    }
    JsonNode config = field(inner, "generationConfig", "generation_config");
    JsonNode maxOutput = field(config, "maxOutputTokens", "max_output_tokens");
    if (maxOutput != null && !maxOutput.isNull() && !maxOutput.canConvertToLong()) {
      return invalidAt(prefix + ".generationConfig.maxOutputTokens", "must be an integer");
    }
    String named = outsideModel != null ? outsideModel : model == null ? null : model.asText(null);
    return new ParseResult.Parsed(
        new LlmRequest(endpoint, named, body, http, longOrNull(maxOutput)));
  }

  private static JsonNode field(JsonNode node, String camel, String snake) {
    if (node == null || !node.isObject()) {
      return null;
    }
    return node.has(camel) ? node.get(camel) : node.get(snake);
  }

  private static Long longOrNull(JsonNode node) {
    return node == null || node.isNull() ? null : node.asLong();
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  private interface JsonRead {
    JsonNode read() throws IOException;
  }

  /** The parsed JSON, or why the text is not JSON. */
  private record JsonText(JsonNode node, ParseResult.Invalid invalid) {}

  /**
   * @param what names the text in messages ({@code value}, {@code body})
   * @param at JSON path of the text inside the record value, or null for the value itself
   */
  private static JsonText readJson(JsonRead source, String what, String at) {
    Map<String, Object> details = new LinkedHashMap<>();
    if (at != null) {
      details.put("path", at);
    }
    try {
      return new JsonText(source.read(), null);
    } catch (StreamConstraintsException e) {
      details.put("max_nesting_depth", MAX_NESTING_DEPTH);
      return new JsonText(
          null,
          invalid(
              ErrorCode.INVALID_JSON,
              what + " exceeds a JSON limit: " + e.getOriginalMessage(),
              details));
    } catch (JsonProcessingException e) {
      details.putAll(location(e.getLocation()));
      return new JsonText(
          null,
          invalid(
              ErrorCode.INVALID_JSON,
              what + " is not valid JSON: " + withoutInputText(e.getOriginalMessage()),
              details));
    } catch (IOException e) {
      return new JsonText(
          null,
          invalid(ErrorCode.INVALID_JSON, what + " is not valid JSON: " + e.getMessage(), details));
    }
  }

  /**
   * Jackson quotes the offending token, which can be an unquoted credential ({@code "api_key":
   * AIza...}); error messages reach the dead-letter topic and HTTP answers, so only its length is
   * kept. The location details still point at it.
   */
  static String withoutInputText(String message) {
    if (message == null) {
      return null;
    }
    Matcher token = QUOTED_TOKEN.matcher(message);
    StringBuilder out = new StringBuilder();
    while (token.find()) {
      token.appendReplacement(out, "token (" + token.group(1).length() + " characters, not shown)");
    }
    token.appendTail(out);
    return out.toString();
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
