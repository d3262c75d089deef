package dev.tokentally.enrich;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.CountResponses;
import dev.tokentally.counting.CountResult;
import dev.tokentally.counting.RequestCounter;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.credentials.CredentialRedactor;
import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.deadletter.ErrorResponse.RequestContext;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.limits.Limits;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.request.LlmRequest;
import dev.tokentally.request.ParseResult;
import dev.tokentally.request.RequestHeaders;
import dev.tokentally.request.RequestParser;
import dev.tokentally.usage.UsageEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Decides what happens to one input record before budgets: size, parse, count, context window and
 * request caps, then builds the enriched value or the dead letter. Pure (no Kafka), so the stream,
 * the tests and the HTTP endpoints share it.
 */
public final class RequestAssessor {
  /** Default for {@code tokentally.request.max.bytes}: the HTTP body limit, too. */
  public static final int DEFAULT_MAX_BYTES = 32 * 1024 * 1024;

  /** How much of an oversized payload a {@code payload_too_large} dead letter keeps. */
  public static final int TOO_LARGE_PAYLOAD_KEPT = 64 * 1024;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final RequestParser parser;
  private final RequestCounter counter;
  private final Limits limits;
  private final int maxBytes;

  public RequestAssessor(RequestParser parser, RequestCounter counter) {
    this(parser, counter, Limits.NONE, DEFAULT_MAX_BYTES);
  }

  public RequestAssessor(
      RequestParser parser, RequestCounter counter, Limits limits, int maxBytes) {
    this.parser = parser;
    this.counter = counter;
    this.limits = limits;
    this.maxBytes = maxBytes;
  }

  public RequestCounter counter() {
    return counter;
  }

  public Limits limits() {
    return limits;
  }

  public Assessment assess(InboundRecord in) {
    byte[] value = in.value();
    if (value != null && value.length > maxBytes) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("bytes", value.length);
      details.put("max_bytes", maxBytes);
      return new Assessment.Rejected(
          ErrorCode.PAYLOAD_TOO_LARGE,
          ErrorResponse.buildTruncated(
              ErrorCode.PAYLOAD_TOO_LARGE,
              "record value is " + value.length + " bytes; the limit is " + maxBytes,
              details,
              in.source(),
              new RequestContext(null, in.name(), in.spanId()),
              value,
              TOO_LARGE_PAYLOAD_KEPT),
          UsageEvent.rejected(null, in.name(), ErrorCode.PAYLOAD_TOO_LARGE),
          null,
          -1);
    }

    // Everything written out carries the credential-free copy; counting reads the original.
    byte[] payload = CredentialRedactor.redact(value);
    ParseResult parsed = parser.parse(value, null, in.modelHeader());
    if (parsed instanceof ParseResult.Invalid invalid) {
      return rejected(
          invalid.code(),
          invalid.message(),
          invalid.details(),
          null,
          null,
          in.name(),
          in,
          payload,
          null,
          -1);
    }
    LlmRequest request = ((ParseResult.Parsed) parsed).request();
    String name =
        in.name() != null
            ? in.name()
            : RequestHeaders.cleanName(request.header(RequestHeaders.NAME));
    String spanId = in.spanId() != null ? in.spanId() : request.header(RequestHeaders.SPAN_ID);

    CountResult result = counter.count(request);
    if (result instanceof CountResult.Refused refused) {
      return rejected(
          refused.code(),
          refused.message(),
          refused.details(),
          request.model(),
          request.model(),
          name,
          in.withSpan(spanId),
          payload,
          request.api().vendor(),
          -1);
    }
    CountResult.Counted counted = (CountResult.Counted) result;
    ModelSpec model = counted.model();
    long tokens = counted.count().total();

    Optional<Assessment> gated =
        gate(request, model, counted.count(), name, in.withSpan(spanId), payload);
    if (gated.isPresent()) {
      return gated.get();
    }
    LlmRequest shown = payload == value ? request : redacted(payload, in, request);
    double cost =
        model
            .priceOn(
                LocalDate.ofInstant(Instant.ofEpochMilli(in.source().timestamp()), ZoneOffset.UTC))
            .map(p -> tokens * p.inputUsdPerMillion() / 1e6)
            .orElse(Double.NaN);
    byte[] enriched =
        enriched(shown, request.model(), counted.count(), model, cost, name, spanId, in);
    return new Assessment.Counted(
        new CountedRequest(
            in.key(),
            in.source(),
            model.id(),
            request.model(),
            model.vendor(),
            name,
            spanId,
            tokens,
            cost,
            enriched,
            payload));
  }

  /** The context window, then the configured per-request caps. */
  private Optional<Assessment> gate(
      LlmRequest request,
      ModelSpec model,
      TokenCount count,
      String name,
      InboundRecord in,
      byte[] payload) {
    long tokens = count.total();
    long window = model.contextWindow();
    Long maxOut = request.maxOutputTokens();
    long headroom = headroom(count);
    if (tokens + headroom > window || maxOut != null && tokens + headroom + maxOut > window) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("input_tokens", tokens);
      if (headroom > 0) {
        details.put("headroom_tokens", headroom);
      }
      if (maxOut != null) {
        details.put("max_output_tokens", maxOut);
      }
      details.put("context_window", window);
      boolean inputAlone = tokens + headroom > window;
      details.put("exceeded_by", inputAlone ? "input_tokens" : "input_tokens+max_output_tokens");
      String counted = headroom > 0 ? tokens + " (+" + headroom + " error headroom)" : "" + tokens;
      String message =
          inputAlone
              ? "input of "
                  + counted
                  + " tokens exceeds "
                  + model.id()
                  + "'s context window of "
                  + window
              : "input of "
                  + counted
                  + " tokens plus max output of "
                  + maxOut
                  + " exceeds "
                  + model.id()
                  + "'s context window of "
                  + window;
      return Optional.of(
          rejected(
              ErrorCode.CONTEXT_WINDOW_EXCEEDED,
              message,
              details,
              model.id(),
              request.model(),
              name,
              in,
              payload,
              model.vendor(),
              tokens));
    }
    return limits
        .exceededCap(model.id(), request.model(), name, tokens)
        .map(
            cap -> {
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("input_tokens", tokens);
              details.put("limit", cap.maxTokens());
              details.put("scope", cap.scope());
              details.put("subject", cap.subject());
              return rejected(
                  ErrorCode.REQUEST_TOKEN_LIMIT_EXCEEDED,
                  "input of "
                      + tokens
                      + " tokens exceeds the "
                      + cap.scope()
                      + " cap of "
                      + cap.maxTokens()
                      + " tokens per request",
                  details,
                  model.id(),
                  request.model(),
                  name,
                  in,
                  payload,
                  model.vendor(),
                  tokens);
            });
  }

  /**
   * Tokens the context-window gate adds to a count when {@code tokentally.limits.context.headroom}
   * is {@code error_bar}: the count times its error bar, rounded up. Heuristic counts have no bar
   * and get none.
   */
  private long headroom(TokenCount count) {
    if (!limits.contextHeadroom() || count.errorPct() == null) {
      return 0;
    }
    return (long) Math.ceil(count.total() * count.errorPct() / 100.0);
  }

  /** Reparses the credential-free copy; only records that carried credentials pay for this. */
  private LlmRequest redacted(byte[] payload, InboundRecord in, LlmRequest original) {
    ParseResult again = parser.parse(payload, null, in.modelHeader());
    return again instanceof ParseResult.Parsed p ? p.request() : original;
  }

  private static Assessment.Rejected rejected(
      ErrorCode code,
      String message,
      Map<String, Object> details,
      String usageModel,
      String requestedModel,
      String name,
      InboundRecord in,
      byte[] payload,
      String vendor,
      long inputTokens) {
    return new Assessment.Rejected(
        code,
        ErrorResponse.build(
            code,
            message,
            details,
            in.source(),
            new RequestContext(requestedModel, name, in.spanId()),
            payload),
        UsageEvent.rejected(usageModel, name, code),
        vendor,
        inputTokens);
  }

  private static byte[] enriched(
      LlmRequest request,
      String modelRequested,
      TokenCount count,
      ModelSpec model,
      double cost,
      String name,
      String spanId,
      InboundRecord in) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("api", request.api().id());
    out.put("endpoint", request.endpoint().id());
    out.put("model", model.id());
    out.put("model_requested", modelRequested);
    out.put(request.api().countField(), count.total());
    out.put("count_method", count.method().label());
    CountResponses.putErrorPct(out, count);
    out.set("breakdown", MAPPER.valueToTree(count.breakdown()));
    if (!count.notes().isEmpty()) {
      out.set("count_notes", MAPPER.valueToTree(count.notes()));
    }
    out.put("context_window", model.contextWindow());
    if (request.maxOutputTokens() != null) {
      out.put("max_output_tokens", request.maxOutputTokens());
    }
    if (Double.isNaN(cost)) {
      out.putNull("estimated_cost_usd");
    } else {
      out.put("estimated_cost_usd", cost);
    }
    out.put("name", name);
    out.put("span_id", spanId);
    in.source().writeTo(out);
    if (request.http() != null) {
      ObjectNode http = out.putObject("http");
      http.put("method", request.http().method());
      http.put("path", request.http().path());
      http.set("headers", request.http().headers());
    }
    out.set("request", request.body());
    try {
      return MAPPER.writeValueAsBytes(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an ObjectNode", e);
    }
  }
}
