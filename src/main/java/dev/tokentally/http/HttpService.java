package dev.tokentally.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Rejection;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.usage.LocalUsageStores;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.micrometer.core.instrument.Meter.MeterProvider;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the process, on Javalin (Jetty underneath): the vendor-compatible count
 * endpoints, usage queries, liveness, readiness (true only while Streams is RUNNING, so a
 * Kubernetes Service sends no traffic to an instance that is rebalancing or restoring) and the
 * Prometheus scrape. Every error is an ErrorResponse JSON. Nothing here logs headers or bodies.
 */
public final class HttpService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpService.class);
  private static final String ROUTE = "tokentally.route";
  private static final String ERROR_WRITTEN = "tokentally.error";

  private final Javalin app;

  private HttpService(Javalin app) {
    this.app = app;
  }

  /**
   * @param usage where usage queries are answered from, or null to serve no usage endpoints
   */
  public static HttpService start(
      HttpSettings settings,
      RequestCounting counting,
      RequestMetrics metrics,
      UsageSource usage,
      BooleanSupplier ready,
      PrometheusMeterRegistry registry) {
    // Bodies in flight: room for four maximal ones, or 256 MiB, whichever is larger.
    RequestBodies bodies =
        new RequestBodies(
            settings.maxBodyBytes(), Math.max(4 * settings.maxBodyBytes(), 256L << 20));
    CountEndpoint count = new CountEndpoint(counting, bodies, metrics);
    UsageEndpoints usageEndpoints =
        usage == null
            ? null
            : new UsageEndpoints(
                new UsageCluster(
                    usage.streams(),
                    new LocalUsageStores(usage.streams()),
                    usage.applicationId(),
                    usage.self(),
                    usage.settings().grace()),
                usage.settings());
    MeterProvider<Timer> timer =
        Timer.builder("tokentally.http.requests")
            .description("HTTP requests by route and status")
            .withRegistry(registry);

    Javalin app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.startup.showOldJavalinVersionWarning = false;
              QueuedThreadPool threads = new QueuedThreadPool(settings.threads(), 2);
              threads.setName("tokentally-http");
              threads.setDaemon(true);
              config.jetty.threadPool = threads;
              config.requestLogger.http(
                  (ctx, ms) ->
                      timer
                          .withTags(
                              "route",
                              String.valueOf(ctx.attributeMap().getOrDefault(ROUTE, "unmatched")),
                              "status",
                              String.valueOf(ctx.statusCode()))
                          .record(Duration.ofNanos((long) (ms * 1_000_000))));

              var routes = config.routes;
              routes.get("/health/live", route("live", ctx -> ctx.result("live\n")));
              routes.get(
                  "/health/ready",
                  route(
                      "ready",
                      ctx -> {
                        boolean ok = ready.getAsBoolean();
                        ctx.status(ok ? 200 : 503).result(ok ? "ready\n" : "not ready\n");
                      }));
              routes.get(
                  "/metrics",
                  route(
                      "metrics",
                      ctx ->
                          ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                              .result(registry.scrape())));
              if (usageEndpoints != null) {
                routes.get("/usage/models", route("usage", usageEndpoints::models));
                routes.get("/usage/models/{model}", route("usage", usageEndpoints::model));
                routes.get("/usage/names", route("usage", usageEndpoints::names));
                routes.get("/usage/names/{name}", route("usage", usageEndpoints::name));
                routes.get(
                    "/usage/names/{name}/models", route("usage", usageEndpoints::nameModels));
                routes.get(
                    UsageEndpoints.INTERNAL_PATH + "{dimension}",
                    route("usage-internal", usageEndpoints::internal));
              }
              routes.post("/*", route("count", count::handle));
              routes.exception(RejectedException.class, (e, ctx) -> write(ctx, e.rejection()));
              routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    // The class only: a message or trace could quote the request.
                    log.error("{} {} failed: {}", ctx.method(), ctx.path(), e.getClass().getName());
                    write(
                        ctx,
                        new Rejection(
                            ErrorCode.INTERNAL_ERROR,
                            "unexpected error; the request was not counted",
                            Map.of("exception", e.getClass().getName())));
                  });
              routes.error(
                  404,
                  ctx -> {
                    if (ctx.attribute(ERROR_WRITTEN) == null) {
                      write(ctx, notFound(ctx).rejection());
                    }
                  });
            });
    app.start(settings.port());
    return new HttpService(app);
  }

  private static Handler route(String name, Handler handler) {
    return ctx -> {
      ctx.attribute(ROUTE, name);
      handler.handle(ctx);
    };
  }

  static RejectedException notFound(Context ctx) {
    return new Rejection(
            ErrorCode.NOT_FOUND,
            "no endpoint " + ctx.method() + " " + ctx.path(),
            Map.of(
                "endpoints",
                "POST /v1/messages/count_tokens, POST /v1beta/models/{model}:countTokens "
                    + "(also under /anthropic, /google and /v3/compat), GET /usage/..., "
                    + "/health/live, /health/ready, /metrics"))
        .exception();
  }

  private static void write(Context ctx, Rejection failure) {
    ObjectNode root = ErrorResponse.error(failure);
    ObjectNode meta = (ObjectNode) root.get("meta");
    meta.put("status", failure.httpStatus());
    meta.put("method", ctx.method().name());
    meta.put("path", ctx.path());
    if (failure.httpStatus() == 503) {
      ctx.header("Retry-After", "1");
    }
    ctx.attribute(ERROR_WRITTEN, true);
    ctx.status(failure.httpStatus()).contentType("application/json").result(root.toString());
  }

  /** The bound port; differs from the configured one when that was 0. */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    app.stop();
  }
}
