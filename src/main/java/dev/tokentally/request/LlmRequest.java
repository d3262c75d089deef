package dev.tokentally.request;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * A request body that parsed and has the shape of one of the supported APIs.
 *
 * @param api which vendor API the body follows
 * @param model model id as given, or null when a Gemini body does not name one
 * @param body the parsed body, never modified
 */
public record LlmRequest(Api api, String model, ObjectNode body) {
  public LlmRequest {
    Objects.requireNonNull(api, "api");
    Objects.requireNonNull(body, "body");
  }
}
