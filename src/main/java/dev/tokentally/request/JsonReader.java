package dev.tokentally.request;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Rejection;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads untrusted JSON text with bounded nesting and no trailing garbage, and says where it is
 * broken as an {@code invalid_json} rejection that never quotes the input.
 */
final class JsonReader {
  private static final Pattern QUOTED_TOKEN = Pattern.compile("token '([^']*)'");

  private final ObjectMapper mapper;

  JsonReader() {
    this.mapper = UntrustedJson.mapper();
  }

  /**
   * The one JSON object in {@code bytes}.
   *
   * @param what names the text in messages ({@code value}, {@code body})
   */
  ObjectNode object(byte[] bytes, String what) {
    if (bytes == null || bytes.length == 0) {
      throw Rejection.of(ErrorCode.INVALID_JSON, label(what) + " is empty").exception();
    }
    JsonNode root = read(() -> mapper.readTree(bytes), what, null);
    if (root == null || root.isMissingNode()) {
      throw Rejection.of(ErrorCode.INVALID_JSON, label(what) + " holds no JSON document")
          .exception();
    }
    if (!(root instanceof ObjectNode object)) {
      throw RejectedException.invalidAt(
          "$", "request body must be a JSON object, got " + root.getNodeType());
    }
    return object;
  }

  private static String label(String what) {
    return what.equals("value") ? "record value" : "request " + what;
  }

  /**
   * The JSON document in a string field, such as a captured request's {@code body}.
   *
   * @param at JSON path of the text inside the record value
   */
  JsonNode text(String text, String what, String at) {
    return read(() -> mapper.readTree(text), what, at);
  }

  private interface Source {
    JsonNode read() throws IOException;
  }

  private static JsonNode read(Source source, String what, String at) {
    Map<String, Object> details = new LinkedHashMap<>();
    if (at != null) {
      details.put("path", at);
    }
    try {
      return source.read();
    } catch (StreamConstraintsException e) {
      details.put("max_nesting_depth", RequestParser.MAX_NESTING_DEPTH);
      details.put("max_json_tokens", RequestParser.MAX_JSON_TOKENS);
      throw invalidJson(what + " exceeds a JSON limit: " + e.getOriginalMessage(), details);
    } catch (JsonProcessingException e) {
      details.putAll(location(e.getLocation()));
      throw invalidJson(
          what + " is not valid JSON: " + withoutInputText(e.getOriginalMessage()), details);
    } catch (IOException e) {
      throw invalidJson(what + " is not valid JSON: " + e.getMessage(), details);
    }
  }

  private static RejectedException invalidJson(String message, Map<String, Object> details) {
    return new Rejection(ErrorCode.INVALID_JSON, message, details).exception();
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
