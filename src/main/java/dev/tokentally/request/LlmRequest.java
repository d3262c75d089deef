package dev.tokentally.request;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A record value that parsed into a request of a supported API.
 *
 * @param endpoint the endpoint it addresses (from the captured path, or inferred from the body)
 * @param model the model to count for: Gemini's path or model header, else the body's; may be null
 * @param body the API request body, never modified
 * @param content what the counters walk: {@code body}, or the request inside countTokens' {@code
 *     generateContentRequest} wrapper
 * @param contentPath the JSON path of {@code content} inside {@code body}: {@code $} or {@code
 *     $.generateContentRequest}
 * @param http the captured HTTP envelope around the body, or null for a bare body
 * @param maxOutputTokens the output tokens the request asks for at most, or null when it does not
 */
public record LlmRequest(
    Endpoint endpoint,
    String model,
    ObjectNode body,
    ObjectNode content,
    String contentPath,
    CapturedHttp http,
    Long maxOutputTokens) {
  public LlmRequest {
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(content, "content");
  }

  public Api api() {
    return endpoint.api();
  }

  /** The same request sent to another endpoint of its API. */
  public LlmRequest withEndpoint(Endpoint other) {
    if (other.api() != endpoint.api()) {
      throw new IllegalArgumentException(other + " is not an endpoint of " + endpoint.api());
    }
    return new LlmRequest(other, model, body, content, contentPath, http, maxOutputTokens);
  }

  /** The same request counted for {@code fallback} when it names no model itself. */
  public LlmRequest withModelIfNone(String fallback) {
    return model != null || fallback == null
        ? this
        : new LlmRequest(endpoint, fallback, body, content, contentPath, http, maxOutputTokens);
  }

  /** A header of the captured request (case-insensitive), or null for bare bodies. */
  public String header(String name) {
    return http == null ? null : http.header(name);
  }
}
