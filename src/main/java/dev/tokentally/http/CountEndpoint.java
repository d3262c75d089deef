package dev.tokentally.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.BodyOrigin;
import dev.tokentally.counting.CountOutcome;
import dev.tokentally.counting.CountResponses;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.request.Api;
import dev.tokentally.request.RequestPath;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The vendors' token-counting endpoints, answered locally with the stream's parser and counter:
 * Anthropic's {@code POST /v1/messages/count_tokens} and Gemini's {@code POST
 * /v1beta/models/{model}:countTokens}, also under the gateway prefixes {@link RequestPath} strips.
 * Bodies are exactly the vendors', so their SDKs work with only the base URL changed.
 */
final class CountEndpoint {
  /** Which model counted the request, and how exactly; the bodies stay the vendors' own. */
  static final String MODEL_HEADER = "tokentally-model";

  static final String METHOD_HEADER = "tokentally-count-method";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RequestCounting counting;
  private final RequestBodies bodies;
  private final RequestMetrics metrics;

  CountEndpoint(RequestCounting counting, RequestBodies bodies, RequestMetrics metrics) {
    this.counting = counting;
    this.bodies = bodies;
    this.metrics = metrics;
  }

  void handle(Context ctx) {
    Optional<RequestPath.Route> route =
        RequestPath.route(ctx.path()).filter(r -> r.endpoint().countsTokens());
    if (route.isEmpty()) {
      throw HttpService.notFound(ctx);
    }
    try (RequestBodies.Body body = bodies.read(ctx)) {
      long started = System.nanoTime();
      CountOutcome outcome = counting.count(body.bytes(), new BodyOrigin.Route(route.get()));
      metrics.counted("http", System.nanoTime() - started);
      if (outcome instanceof CountOutcome.Refused refused) {
        throw refused.rejection().exception();
      }
      CountOutcome.Counted counted = (CountOutcome.Counted) outcome;
      ctx.header(MODEL_HEADER, counted.model().id());
      ctx.header(METHOD_HEADER, counted.count().method().label());
      String errorPct = CountResponses.errorPctHeader(counted.count());
      if (errorPct != null) {
        ctx.header(CountResponses.ERROR_PCT_HEADER, errorPct);
      }
      ctx.contentType("application/json");
      ctx.result(
          counted.request().api() == Api.ANTHROPIC_MESSAGES
              ? anthropic(counted.count()).toString()
              : gemini(counted.count()).toString());
    }
  }

  /**
   * The console's count: a body as the stream reads it (bare, or a captured request), counted by
   * the same path, answered with how the number was made: method, error bar, correction and
   * breakdown. The count field is the vendor's ({@code input_tokens} or {@code totalTokens}), as in
   * enriched records.
   */
  void detailed(Context ctx) {
    try (RequestBodies.Body body = bodies.read(ctx)) {
      long started = System.nanoTime();
      CountOutcome outcome = counting.count(body.bytes(), new BodyOrigin.Record(null));
      metrics.counted("http", System.nanoTime() - started);
      if (outcome instanceof CountOutcome.Refused refused) {
        throw refused.rejection().exception();
      }
      CountOutcome.Counted counted = (CountOutcome.Counted) outcome;
      ObjectNode out = MAPPER.createObjectNode();
      out.put("model", counted.model().id());
      out.put("api", counted.request().api().id());
      CountResponses.putCount(out, counted.request().api().countField(), counted.count());
      ctx.contentType("application/json").result(out.toString());
    }
  }

  private static ObjectNode anthropic(TokenCount count) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("input_tokens", count.total());
    return out;
  }

  /**
   * {@code promptTokensDetails} splits the total by modality as Gemini does: images, documents,
   * audio and video by their own parts, and everything else (text, tools, per-turn tokens) as TEXT.
   * {@code cachedContentTokenCount} is left out: a cache's contents live at Google.
   */
  private static ObjectNode gemini(TokenCount count) {
    Map<String, Integer> byModality = new LinkedHashMap<>();
    byModality.put("TEXT", 0);
    count
        .breakdown()
        .forEach((part, tokens) -> byModality.merge(modality(part), tokens, Integer::sum));
    ObjectNode out = MAPPER.createObjectNode();
    out.put("totalTokens", count.total());
    ArrayNode details = out.putArray("promptTokensDetails");
    byModality.forEach(
        (modality, tokens) -> {
          if (tokens > 0 || modality.equals("TEXT")) {
            details.addObject().put("modality", modality).put("tokenCount", tokens);
          }
        });
    return out;
  }

  private static String modality(String part) {
    return switch (part) {
      case "images" -> "IMAGE";
      case "documents" -> "DOCUMENT";
      case "audio" -> "AUDIO";
      case "video" -> "VIDEO";
      default -> "TEXT";
    };
  }
}
