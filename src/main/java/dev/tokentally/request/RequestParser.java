package dev.tokentally.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.errors.RejectedException;
import java.util.Optional;

/**
 * Parses a record value into an {@link LlmRequest}. The value is either a bare request body, whose
 * API is decided from its shape (Anthropic Messages bodies carry {@code messages}; Gemini bodies
 * carry {@code contents}, countTokens' {@code generateContentRequest} wrapper or Interactions'
 * {@code input}), or a captured HTTP request {@code {"method","path","headers","body"}} whose path
 * names the endpoint and, for Gemini, the model. Anything else is refused with a {@link
 * RejectedException} that says where.
 */
public final class RequestParser {
  /** Deep enough for real tool schemas; shallow enough that hostile nesting fails fast. */
  public static final int MAX_NESTING_DEPTH = 128;

  /**
   * JSON tokens (each brace, bracket, name and value) in one document. A parsed tree takes up to
   * about 50 bytes per token whatever the values: a record of 8 MiB of {@code [[],[],...]} made 420
   * MB of nodes and ran a 512 MiB heap out of memory, a 32 MiB HTTP body would take 1.6 GB. A
   * million tokens is at most about 100 MB; counted, they are well over half a million model
   * tokens, more than most context windows hold.
   */
  public static final long MAX_JSON_TOKENS = 1_000_000;

  private final JsonReader json = new JsonReader();

  /**
   * @param api the API the caller knows the body belongs to ({@code --api}), or null to decide from
   *     the captured path or the body's shape
   * @param modelHint the model named outside the body (the model header), or null
   * @throws RejectedException when the value is not a request this service can count
   */
  public LlmRequest parse(byte[] value, Api api, String modelHint) {
    ObjectNode object = json.object(value, "value");
    if (api == null && isCapturedHttp(object)) {
      return captured(object, modelHint);
    }
    Endpoint endpoint = BodyShapes.inferEndpoint(object, api);
    if (endpoint == null) {
      throw RejectedException.invalidAt(
          "$",
          "body is neither an Anthropic Messages request (no \"messages\") "
              + "nor a Gemini request (no \"contents\")");
    }
    return BodyShapes.check(object, "$", endpoint, modelHint, null);
  }

  /**
   * A request body that arrived over HTTP at {@code route}: the path decides the endpoint and, for
   * Gemini, the model, exactly as for a captured request.
   */
  public LlmRequest parseRouted(RequestPath.Route route, byte[] body) {
    return BodyShapes.check(json.object(body, "body"), "$", route.endpoint(), route.model(), null);
  }

  /** A captured request names its path and carries the body; no API body has both fields. */
  private static boolean isCapturedHttp(ObjectNode root) {
    return root.path("path").isTextual() && root.has("body");
  }

  private LlmRequest captured(ObjectNode root, String modelHint) {
    String path = root.get("path").asText();
    Optional<RequestPath.Route> route = RequestPath.route(path);
    if (route.isEmpty()) {
      throw RejectedException.invalidAt(
          "$.path",
          "path \""
              + abbreviate(path)
              + "\" is not a supported endpoint (/v1/messages, /v1/messages/count_tokens, "
              + "/v1beta/models/{model}:generateContent|streamGenerateContent|countTokens, "
              + "/v1beta/interactions; optionally under /v3/compat, /anthropic or /google)");
    }
    JsonNode method = root.get("method");
    if (method != null && !method.isNull()) {
      if (!method.isTextual() || !method.asText().equalsIgnoreCase("POST")) {
        throw RejectedException.invalidAt(
            "$.method", "method must be POST, got " + abbreviate(method.toString()));
      }
    }
    JsonNode headers = root.get("headers");
    if (headers != null && !headers.isNull() && !headers.isObject()) {
      throw RejectedException.invalidAt("$.headers", "headers must be an object of name to value");
    }
    CapturedHttp http =
        CapturedHttp.of(
            method == null || method.isNull() ? "POST" : method.asText(), path, headers);
    JsonNode body = root.get("body");
    if (body.isTextual()) {
      body = json.text(body.asText(), "body", "$.body");
    }
    if (!(body instanceof ObjectNode object)) {
      throw RejectedException.invalidAt(
          "$.body", "body must be a JSON object (or a string holding one)");
    }
    RequestPath.Route r = route.get();
    String model = r.model() != null ? r.model() : modelHint;
    if (model == null) {
      model = http.header(RequestHeaders.MODEL);
    }
    return BodyShapes.check(object, "$.body", r.endpoint(), model, http);
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }
}
