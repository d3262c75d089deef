package dev.tokentally.enrich;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.CountResult;
import dev.tokentally.counting.RequestCounter;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.deadletter.ErrorCode;
import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.deadletter.ErrorResponse.RequestContext;
import dev.tokentally.deadletter.SourcePosition;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.request.LlmRequest;
import dev.tokentally.request.ParseResult;
import dev.tokentally.request.RequestParser;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what happens to one input record: parse it, count it, and build either the enriched
 * record or the dead letter. Pure (no Kafka), so the same logic serves the stream and tests.
 */
public final class RequestAssessor {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RequestParser parser;
  private final RequestCounter counter;

  public RequestAssessor(RequestParser parser, RequestCounter counter) {
    this.parser = parser;
    this.counter = counter;
  }

  /**
   * @param name function name from the {@code X-Opper-Name} header, or null
   * @param spanId parent span id from the {@code X-Opper-Parent-Span-Id} header, or null
   */
  public Assessment assess(byte[] value, String name, String spanId, SourcePosition source) {
    ParseResult parsed = parser.parse(value);
    if (parsed instanceof ParseResult.Invalid invalid) {
      return rejected(
          invalid.code(),
          invalid.message(),
          invalid.details(),
          new RequestContext(null, name, spanId),
          source,
          value);
    }
    LlmRequest request = ((ParseResult.Parsed) parsed).request();
    CountResult result = counter.count(request);
    if (result instanceof CountResult.Refused refused) {
      return rejected(
          refused.code(),
          refused.message(),
          refused.details(),
          new RequestContext(request.model(), name, spanId),
          source,
          value);
    }
    CountResult.Counted counted = (CountResult.Counted) result;
    return new Assessment.Enriched(enriched(request, counted, name, spanId, source));
  }

  private static Assessment.Rejected rejected(
      ErrorCode code,
      String message,
      Map<String, Object> details,
      RequestContext context,
      SourcePosition source,
      byte[] value) {
    return new Assessment.Rejected(
        code, ErrorResponse.build(code, message, details, source, context, value));
  }

  private static byte[] enriched(
      LlmRequest request,
      CountResult.Counted counted,
      String name,
      String spanId,
      SourcePosition source) {
    TokenCount count = counted.count();
    ModelSpec model = counted.model();
    ObjectNode out = MAPPER.createObjectNode();
    out.put("api", request.api().id());
    out.put("model", model.id());
    out.put("model_requested", request.model());
    out.put(request.api().countField(), count.total());
    out.put("count_method", count.method().label());
    out.set("breakdown", MAPPER.valueToTree(count.breakdown()));
    if (!count.notes().isEmpty()) {
      out.set("count_notes", MAPPER.valueToTree(count.notes()));
    }
    out.put("context_window", model.contextWindow());
    Optional<ModelSpec.Price> price = model.priceOn(LocalDate.now(ZoneOffset.UTC));
    if (price.isPresent()) {
      out.put("estimated_cost_usd", count.total() * price.get().inputUsdPerMillion() / 1e6);
    } else {
      out.putNull("estimated_cost_usd");
    }
    out.put("name", name);
    out.put("span_id", spanId);
    source.writeTo(out);
    out.set("request", request.body());
    try {
      return MAPPER.writeValueAsBytes(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an ObjectNode", e);
    }
  }
}
