package dev.tokentally.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.calibration.CalibrationSample;
import dev.tokentally.limits.Settlement;
import dev.tokentally.limits.Spend;
import dev.tokentally.models.CountMethod;
import dev.tokentally.models.ModelRegistry;
import dev.tokentally.usage.ActualTotals;
import dev.tokentally.usage.UsageEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Set;

/**
 * One record for {@code llm.requests.reconciled}, with its share of the usage aggregates.
 *
 * @param request the estimate, or null for an orphan
 * @param response the vendor's response, or null when none came
 * @param usage what it adds to the usage aggregates, or null (a duplicate request adds nothing)
 * @param timestamp the record time: the response's, or the close time when none came
 */
public record Joined(
    Reconciled.Result result,
    JoinEntry.Request request,
    JoinEntry.Response response,
    UsageEvent usage,
    long timestamp) {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Count methods whose pairs teach the live correction: the calibrated text model's. */
  private static final Set<String> LEARNS_FROM =
      Set.of(CountMethod.CALIBRATED.label(), CountMethod.CALIBRATED_LIVE.label());

  /** Joins whichever sides there are and prices the response on the day it came. */
  public static Joined of(
      JoinEntry.Request request, JoinEntry.Response response, ModelRegistry registry, long at) {
    Cost cost = null;
    if (response != null && response.usage() != null) {
      LocalDate day =
          LocalDate.ofInstant(Instant.ofEpochMilli(response.timestamp()), ZoneOffset.UTC);
      cost =
          UsageCost.of(
              response.usage(),
              request == null ? null : request.model(),
              registry,
              day,
              response.batch());
    }
    Reconciled.Result result =
        Reconciled.of(request == null ? null : request.estimate(), response, cost);
    return new Joined(result, request, response, usage(result, request, response), at);
  }

  /** A second accepted request for a key already waiting or joined. */
  public static Joined duplicate(JoinEntry.Request request) {
    return new Joined(
        Reconciled.duplicate(request.estimate()), request, null, null, request.timestamp());
  }

  private static UsageEvent usage(
      Reconciled.Result result, JoinEntry.Request request, JoinEntry.Response response) {
    ActualUsage actual = response == null ? null : response.usage();
    Cost cost = result.cost();
    boolean priced = cost != null && cost.usd() != null;
    ActualTotals totals =
        new ActualTotals(
            result.status() == Reconciled.Status.RECONCILED ? 1 : 0,
            result.status() == Reconciled.Status.NO_RESPONSE ? 1 : 0,
            result.status() == Reconciled.Status.ORPHAN ? 1 : 0,
            actual == null ? 0 : actual.promptInput(),
            actual == null ? 0 : actual.cacheRead(),
            actual == null ? 0 : actual.output(),
            priced ? cost.usd() : 0,
            response != null && !priced ? 1 : 0);
    String model = request != null ? request.model() : actual != null ? actual.model() : null;
    return UsageEvent.reconciled(model, request == null ? null : request.name(), totals);
  }

  /**
   * What settles the request's budget reservation, or null when it reserved nothing: billed usage
   * replaces it (the reservation's dollars stay when the usage has no price), a missing response
   * keeps the input estimate and releases the output, an unbilled response or a repeated request
   * releases it all, and a response whose usage is unknown leaves it as it is.
   */
  public Settlement settlement() {
    if (request == null || request.reserved() == null || request.name() == null) {
      return null;
    }
    Spend reserved = request.reserved();
    Spend settled =
        switch (result.status()) {
          case DUPLICATE_REQUEST -> Spend.NONE;
          case NO_RESPONSE ->
              new Spend(reserved.inputTokens(), 0, Spend.nanoUsd(request.estimatedCostUsd()));
          case ORPHAN -> throw new IllegalStateException("an orphan has no request");
          case RECONCILED ->
              switch (response.reading()) {
                case NOT_BILLED -> Spend.NONE;
                case UNKNOWN -> reserved;
                case BILLED -> {
                  ActualUsage actual = response.usage();
                  Cost cost = result.cost();
                  yield new Spend(
                      actual.promptInput(),
                      actual.output(),
                      cost != null && cost.usd() != null
                          ? Spend.nanoUsd(cost.usd())
                          : reserved.nanoUsd());
                }
              };
        };
    return new Settlement(request.name(), request.timestamp(), reserved, settled);
  }

  /**
   * What this pair says about its family's text model, or null when it says nothing: only a
   * reconciled pair whose usage is complete and holds no input the request never had (server
   * tools), counted by the family's calibrated model (corrected or not), is a sample.
   */
  public CalibrationSample calibrationSample() {
    if (result.status() != Reconciled.Status.RECONCILED
        || !result.comparable()
        || request.family() == null
        || request.uncorrectedTokens() == null
        || request.textTokens() == null
        || request.textTokens() <= 0
        || !LEARNS_FROM.contains(request.countMethod())) {
      return null;
    }
    return new CalibrationSample(
        request.family(),
        request.uncorrectedTokens(),
        request.textTokens(),
        response.usage().promptInput(),
        timestamp);
  }

  public String model() {
    return usage != null ? usage.model() : request.model();
  }

  public byte[] value() {
    try {
      return MAPPER.writeValueAsBytes(result.value());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a reconciled record", e);
    }
  }
}
