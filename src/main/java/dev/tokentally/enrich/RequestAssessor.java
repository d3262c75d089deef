package dev.tokentally.enrich;

import dev.tokentally.counting.BodyOrigin;
import dev.tokentally.counting.CountOutcome;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.credentials.CredentialRedactor;
import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.deadletter.ErrorResponse.RequestContext;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Rejection;
import dev.tokentally.limits.Limits;
import dev.tokentally.limits.Spend;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.request.LlmRequest;
import dev.tokentally.request.RequestHeaders;
import dev.tokentally.usage.UsageEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

/**
 * Decides what happens to one input record before budgets: size, then {@link RequestCounting}
 * (parse and count), then the gates in order (context window, request caps); builds the enriched
 * value or the dead letter. Pure (no Kafka), so the stream and the tests share it.
 */
public final class RequestAssessor {
  /** How much of an oversized payload a {@code payload_too_large} dead letter keeps. */
  public static final int TOO_LARGE_PAYLOAD_KEPT = 64 * 1024;

  private final RequestCounting counting;
  private final Limits limits;
  private final int maxBytes;
  private final List<Gate> gates;

  /**
   * @param maxBytes largest record value that is parsed ({@code tokentally.request.max.bytes})
   */
  public RequestAssessor(RequestCounting counting, Limits limits, int maxBytes) {
    this.counting = counting;
    this.limits = limits;
    this.maxBytes = maxBytes;
    this.gates =
        List.of(new ContextWindowGate(limits.contextHeadroom()), new RequestCapGate(limits));
  }

  public RequestCounting counting() {
    return counting;
  }

  public Limits limits() {
    return limits;
  }

  /** The largest record value that is parsed; vendor responses share the limit. */
  public int maxBytes() {
    return maxBytes;
  }

  public Assessment assess(InboundRecord in) {
    byte[] value = in.value();
    if (value != null && value.length > maxBytes) {
      return tooLarge(in);
    }
    // Everything written out carries the credential-free copy; counting reads the original.
    byte[] payload = CredentialRedactor.redact(value);
    CountOutcome outcome = counting.count(value, new BodyOrigin.Record(in.modelHeader()));
    if (outcome instanceof CountOutcome.Refused refused) {
      LlmRequest request = refused.request();
      Subject subject =
          request == null
              ? new Subject(null, null, null, in.name(), in.spanId(), -1)
              : Subject.of(request, in, request.model(), null, -1);
      return rejected(refused.rejection(), subject, in, payload);
    }
    CountOutcome.Counted counted = (CountOutcome.Counted) outcome;
    LlmRequest request = counted.request();
    ModelSpec model = counted.model();
    long tokens = counted.count().total();
    Subject subject = Subject.of(request, in, model.id(), model.vendor(), tokens);
    for (Gate gate : gates) {
      Optional<Rejection> refused = gate.check(counted, subject.name());
      if (refused.isPresent()) {
        return rejected(refused.get(), subject, in, payload);
      }
    }
    LlmRequest shown = payload == value ? request : redacted(payload, in, request);
    Optional<ModelSpec.Price> price =
        model.priceOn(
            LocalDate.ofInstant(Instant.ofEpochMilli(in.source().timestamp()), ZoneOffset.UTC));
    double cost = price.map(p -> tokens * p.inputUsdPerMillion() / 1e6).orElse(Double.NaN);
    byte[] enriched =
        EnrichedRecord.write(
            shown,
            request.model(),
            counted.count(),
            model,
            cost,
            subject.name(),
            subject.spanId(),
            in);
    return new Assessment.Counted(
        new CountedRequest(
            in.key(),
            in.source(),
            model.id(),
            request.model(),
            model.vendor(),
            subject.name(),
            subject.spanId(),
            tokens,
            counted.count().method().label(),
            counted.count().errorPct() == null ? Double.NaN : counted.count().errorPct(),
            model.family(),
            cost,
            counted.count().correction() == null
                ? tokens
                : counted.count().correction().uncorrectedTotal(),
            counted.count().textTokens(),
            reservation(request, model, price, tokens, cost),
            enriched,
            payload));
  }

  /**
   * The most this request can take from a budget before its usage is known: the estimate, and the
   * output it may generate ({@code max_tokens}, else the model's output limit) at the output rate.
   */
  private static Spend reservation(
      LlmRequest request,
      ModelSpec model,
      Optional<ModelSpec.Price> price,
      long tokens,
      double cost) {
    long output = request.maxOutputTokens() != null ? request.maxOutputTokens() : model.maxOutput();
    Double outputRate = price.map(p -> p.standard().output()).orElse(null);
    double outputCost = outputRate == null ? Double.NaN : output * outputRate / 1e6;
    return new Spend(tokens, output, Spend.nanoUsd(cost) + Spend.nanoUsd(outputCost));
  }

  private Assessment tooLarge(InboundRecord in) {
    Rejection rejection = Rejection.tooLarge("record value", in.value().length, maxBytes);
    return new Assessment.Rejected(
        rejection,
        ErrorResponse.buildTruncated(
            rejection,
            in.source(),
            new RequestContext(null, in.name(), in.spanId()),
            in.value(),
            TOO_LARGE_PAYLOAD_KEPT),
        UsageEvent.rejected(null, in.name(), ErrorCode.PAYLOAD_TOO_LARGE),
        null,
        -1);
  }

  /**
   * Who a refusal is about, as far as it is known.
   *
   * @param usageModel the model the usage aggregates count it under: canonical when counted, as
   *     requested when not, null when the record did not parse
   * @param requestedModel the model as the record named it, for the dead letter's {@code meta}
   * @param vendor the vendor of the API or model, or null when the record did not parse
   * @param inputTokens the count when the request was counted before it was refused; else -1
   */
  private record Subject(
      String usageModel,
      String requestedModel,
      String vendor,
      String name,
      String spanId,
      long inputTokens) {

    /** The name and span of a parsed request: the record's headers win over captured ones. */
    static Subject of(
        LlmRequest request, InboundRecord in, String usageModel, String vendor, long tokens) {
      String name =
          in.name() != null
              ? in.name()
              : RequestHeaders.cleanName(request.header(RequestHeaders.NAME));
      String span = in.spanId() != null ? in.spanId() : request.header(RequestHeaders.SPAN_ID);
      return new Subject(
          usageModel,
          request.model(),
          vendor == null ? request.api().vendor() : vendor,
          name,
          span,
          tokens);
    }
  }

  private static Assessment.Rejected rejected(
      Rejection rejection, Subject subject, InboundRecord in, byte[] payload) {
    return new Assessment.Rejected(
        rejection,
        ErrorResponse.build(
            rejection,
            in.source(),
            new RequestContext(subject.requestedModel(), subject.name(), subject.spanId()),
            payload),
        UsageEvent.rejected(subject.usageModel(), subject.name(), rejection.code()),
        subject.vendor(),
        subject.inputTokens());
  }

  /** Reparses the credential-free copy; only records that carried credentials pay for this. */
  private LlmRequest redacted(byte[] payload, InboundRecord in, LlmRequest original) {
    try {
      return counting.parser().parse(payload, null, in.modelHeader());
    } catch (RejectedException e) {
      return original;
    }
  }
}
