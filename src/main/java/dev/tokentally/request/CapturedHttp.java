package dev.tokentally.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.credentials.Secrets;
import java.util.Map;

/**
 * The HTTP request around a body, as a gateway captured it: {@code
 * {"method","path","headers","body"}}. Credential headers are dropped on the way in, so nothing
 * downstream can write them out.
 *
 * @param headers header name to value (a string, or an array of strings), credentials removed
 */
public record CapturedHttp(String method, String path, ObjectNode headers) {

  static CapturedHttp of(String method, String path, JsonNode headers) {
    ObjectNode kept = JsonNodeFactory.instance.objectNode();
    if (headers != null && headers.isObject()) {
      for (Map.Entry<String, JsonNode> header : headers.properties()) {
        if (!Secrets.isCredentialHeader(header.getKey())) {
          kept.set(header.getKey(), header.getValue());
        }
      }
    }
    return new CapturedHttp(method, path, kept);
  }

  /** The header's value, matched case-insensitively; the last one when it is an array. */
  public String header(String name) {
    String found = null;
    for (Map.Entry<String, JsonNode> header : headers.properties()) {
      if (header.getKey().equalsIgnoreCase(name)) {
        JsonNode v = header.getValue();
        if (v.isArray() && !v.isEmpty()) {
          v = v.get(v.size() - 1);
        }
        if (v.isValueNode() && !v.isNull()) {
          found = v.asText();
        }
      }
    }
    return found;
  }
}
