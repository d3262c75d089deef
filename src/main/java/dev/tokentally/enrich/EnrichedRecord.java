package dev.tokentally.enrich;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.CountResponses;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.request.LlmRequest;

/**
 * Writes the enriched record value ({@code topology/schemas/enriched.schema.json}): the request as
 * received, credentials blanked, with its count, how it was counted, limits, cost and source.
 */
final class EnrichedRecord {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EnrichedRecord() {}

  /**
   * @param shown the request to write, parsed from the credential-free copy
   * @param modelRequested the model as the record named it
   * @param cost estimated input cost, or NaN when the model has no price for the date
   */
  static byte[] write(
      LlmRequest shown,
      String modelRequested,
      TokenCount count,
      ModelSpec model,
      double cost,
      String name,
      String spanId,
      InboundRecord in) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("api", shown.api().id());
    out.put("endpoint", shown.endpoint().id());
    out.put("model", model.id());
    out.put("model_requested", modelRequested);
    CountResponses.putCount(out, shown.api().countField(), count);
    out.put("context_window", model.contextWindow());
    if (shown.maxOutputTokens() != null) {
      out.put("max_output_tokens", shown.maxOutputTokens());
    }
    if (Double.isNaN(cost)) {
      out.putNull("estimated_cost_usd");
    } else {
      out.put("estimated_cost_usd", cost);
    }
    out.put("name", name);
    out.put("span_id", spanId);
    in.source().writeTo(out);
    if (shown.http() != null) {
      ObjectNode http = out.putObject("http");
      http.put("method", shown.http().method());
      http.put("path", shown.http().path());
      http.set("headers", shown.http().headers());
    }
    out.set("request", shown.body());
    try {
      return MAPPER.writeValueAsBytes(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an ObjectNode", e);
    }
  }
}
