package dev.tokentally.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.config.Durations;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Rejection;
import dev.tokentally.usage.UsageDimension;
import dev.tokentally.usage.UsageQuery;
import dev.tokentally.usage.UsageQuery.Selector;
import dev.tokentally.usage.UsageRecords;
import dev.tokentally.usage.UsageSettings;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code GET /usage/...}: usage totals from the Streams state stores, as the same JSON records the
 * usage topics carry. Without {@code window} the answer is all-time totals; with {@code
 * window=1m|1h} (any configured window) it is the windows whose start lies in {@code [from, to]}
 * (ISO-8601 instants; by default the last 24 hours).
 */
final class UsageEndpoints {
  static final String INTERNAL_PATH = "/internal/usage/";
  static final String ANSWERED_BY_HEADER = "tokentally-answered-by";
  private static final Duration DEFAULT_RANGE = Duration.ofDays(1);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final UsageCluster cluster;
  private final Set<String> windows;

  UsageEndpoints(UsageCluster cluster, UsageSettings settings) {
    this.cluster = cluster;
    this.windows = new LinkedHashSet<>();
    settings.windows().forEach(w -> windows.add(Durations.label(w)));
  }

  void models(Context ctx) {
    requireAllNames(ctx);
    answer(ctx, query(ctx, UsageDimension.MODEL, Selector.ALL, null));
  }

  void model(Context ctx) {
    requireAllNames(ctx);
    answer(ctx, query(ctx, UsageDimension.MODEL, Selector.KEY, ctx.pathParam("model")));
  }

  void names(Context ctx) {
    answer(ctx, query(ctx, UsageDimension.NAME, Selector.ALL, null));
  }

  void name(Context ctx) {
    String name = visibleName(ctx);
    answer(ctx, query(ctx, UsageDimension.NAME, Selector.KEY, name));
  }

  void nameModels(Context ctx) {
    String prefix = UsageDimension.namePrefix(visibleName(ctx));
    answer(ctx, query(ctx, UsageDimension.NAME_MODEL, Selector.PREFIX, prefix));
  }

  /**
   * Usage by model sums every name's requests, so a key limited to name prefixes is refused it
   * rather than shown totals that include other teams.
   */
  private static void requireAllNames(Context ctx) {
    if (!HttpService.caller(ctx).seesAllNames()) {
      throw Rejection.of(
              ErrorCode.FORBIDDEN,
              "usage by model sums the requests of every function name, and this key is limited to"
                  + " some names; read /usage/names/{name}/models instead")
          .exception();
    }
  }

  /** The path's name, or 404 as for a path that does not exist: a scoped key learns nothing. */
  private static String visibleName(Context ctx) {
    String name = ctx.pathParam("name");
    if (!HttpService.caller(ctx).sees(name)) {
      throw HttpService.notFound(ctx);
    }
    return name;
  }

  /** What a peer asks for: the listed partitions of this instance's stores, nothing forwarded. */
  void internal(Context ctx) {
    UsageDimension dimension;
    Selector selector;
    Set<Integer> partitions;
    try {
      dimension = UsageDimension.byId(ctx.pathParam("dimension"));
      selector = Selector.valueOf(ctx.queryParam("selector"));
      partitions =
          Arrays.stream(ctx.queryParam("partitions").split(","))
              .map(Integer::parseInt)
              .collect(Collectors.toCollection(TreeSet::new));
    } catch (RuntimeException e) {
      throw Refusals.invalid("malformed internal usage query");
    }
    UsageQuery q = query(ctx, dimension, selector, ctx.queryParam("key"));
    ctx.contentType("application/json");
    ctx.result(cluster.answerLocally(q, partitions).toString());
  }

  private void answer(Context ctx, UsageQuery q) {
    UsageCluster.Result result = cluster.answer(q);
    Caller caller = HttpService.caller(ctx);
    ObjectNode out = MAPPER.createObjectNode();
    out.putArray("records")
        .addAll(
            result.records().stream()
                .filter(r -> !r.has("name") || caller.sees(r.get("name").asText()))
                .toList());
    ctx.header(ANSWERED_BY_HEADER, String.join(",", result.answeredBy()));
    ctx.contentType("application/json");
    ctx.result(out.toString());
  }

  private UsageQuery query(Context ctx, UsageDimension dimension, Selector selector, String key) {
    String window = ctx.queryParam("window");
    String from = ctx.queryParam("from");
    String to = ctx.queryParam("to");
    if (window == null || window.equals(UsageRecords.ALL_TIME)) {
      if (from != null || to != null) {
        throw invalid("from and to select windows; add window=" + String.join("|", windows));
      }
      return new UsageQuery(dimension, selector, key, UsageRecords.ALL_TIME, null, null);
    }
    if (!windows.contains(window)) {
      throw invalid(
          "window must be one of " + String.join(", ", windows) + " (configured), or all");
    }
    Instant end = to == null ? Instant.now() : instant("to", to);
    Instant start = from == null ? end.minus(DEFAULT_RANGE) : instant("from", from);
    if (start.isAfter(end)) {
      throw invalid("from must not be after to");
    }
    return new UsageQuery(dimension, selector, key, window, start, end);
  }

  private static Instant instant(String param, String value) {
    try {
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw invalid(param + " must be an ISO-8601 instant such as 2026-11-22T10:00:00Z");
    }
  }

  private static RejectedException invalid(String message) {
    return Refusals.invalid(message);
  }
}
