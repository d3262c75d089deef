package dev.tokentally.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.models.ModelRegistry;
import dev.tokentally.usage.ActualTotals;
import dev.tokentally.usage.UsageEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

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
