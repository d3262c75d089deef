package dev.tokentally.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.access.AccessSettings;
import dev.tokentally.access.KeyRing;
import dev.tokentally.access.Scope;
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
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the process, on Javalin (Jetty underneath): the vendor-compatible count
 * endpoints, usage queries, liveness, readiness (true only while Streams is RUNNING, so a
 * Kubernetes Service sends no traffic to an instance that is rebalancing or restoring) and the
 * Prometheus scrape. Every route but the probes needs a key with its scope ({@link Guard}). Every
 * error is an ErrorResponse JSON. Nothing here logs headers, bodies or query strings.
 */
public final class HttpService implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HttpService.class);
  private static final String ROUTE = "tokentally.route";
  private static final String ERROR_WRITTEN = "tokentally.error";

  private static final String CALLER = "tokentally.caller";
  private static final String LOOPBACK = "127.0.0.1";
  private static final String EVERY_INTERFACE = "0.0.0.0";

  private final Javalin app;
  private final KeyRing keys;

  private HttpService(Javalin app, KeyRing keys) {
    this.app = app;
    this.keys = keys;
  }

  /**
   * @param usage where usage queries are answered from, or null to serve no usage endpoints
   */
  public static HttpService start(
      HttpSettings settings,
      RequestCounting counting,
      RequestMetrics metrics,
      UsageSource usage,
      Health health,
      PrometheusMeterRegistry registry) {
    // Bodies in flight: room for four maximal ones, or 256 MiB, whichever is larger.
    RequestBodies bodies =
        new RequestBodies(
            settings.maxBodyBytes(), Math.max(4 * settings.maxBodyBytes(), 256L << 20));
    CountEndpoint count = new CountEndpoint(counting, bodies, metrics);
    ConsoleAssets console = ConsoleAssets.load();
    AccessSettings access = settings.access();
    KeyRing keys =
        access.exposure() == AccessSettings.Exposure.KEYS
            ? KeyRing.watching(access.keysFile())
            : null;
    Guard guard = new Guard(access, keys);
    TlsSettings tls = settings.tls();
    // Opened now, so that a wrong path or password stops the start with a clear message.
    Tls.Stores stores = tls.enabled() ? Tls.load(tls) : null;
    SslContextFactory.Server https = stores == null ? null : Tls.server(stores);
    UsageEndpoints usageEndpoints =
        usage == null
            ? null
            : new UsageEndpoints(
                new UsageCluster(
                    usage.streams(),
                    new LocalUsageStores(usage.streams()),
                    usage.applicationId(),
                    usage.self(),
                    usage.settings().grace(),
                    new PeerClient(
                        stores == null ? null : Tls.peers(stores), access.clusterSecret())),
                usage.settings());
    String host =
        access.exposure() == AccessSettings.Exposure.LOOPBACK ? LOOPBACK : EVERY_INTERFACE;
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
              config.jetty.host = host;
              config.jetty.port = settings.port();
              if (tls.enabled()) {
                config.jetty.addConnector(
                    (server, http) -> {
                      http.addCustomizer(new SecureRequestCustomizer(false));
                      ServerConnector connector =
                          new ServerConnector(
                              server,
                              new SslConnectionFactory(https, "http/1.1"),
                              new HttpConnectionFactory(http));
                      connector.setHost(host);
                      connector.setPort(settings.port());
                      return connector;
                    });
              }
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
              routes.get("/health/live", probe("live", health.live(), "live", "exiting"));
              routes.get("/health/ready", probe("ready", health.ready(), "ready", "not ready"));
              routes.get(
                  "/metrics",
                  route(
                      "metrics",
                      guard,
                      Scope.METRICS,
                      ctx ->
                          ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                              .result(registry.scrape())));
              if (usageEndpoints != null) {
                routes.get(
                    "/usage/models", route("usage", guard, Scope.USAGE, usageEndpoints::models));
                routes.get(
                    "/usage/models/{model}",
                    route("usage", guard, Scope.USAGE, usageEndpoints::model));
                routes.get(
                    "/usage/names", route("usage", guard, Scope.USAGE, usageEndpoints::names));
                routes.get(
                    "/usage/names/{name}",
                    route("usage", guard, Scope.USAGE, usageEndpoints::name));
                routes.get(
                    "/usage/names/{name}/models",
                    route("usage", guard, Scope.USAGE, usageEndpoints::nameModels));
                routes.get(
                    UsageEndpoints.INTERNAL_PATH + "{dimension}",
                    open(
                        "usage-internal",
                        ctx -> {
                          guard.admitPeer(ctx);
                          usageEndpoints.internal(ctx);
                        }));
              }
              // The console's files carry no data; every data request the page makes is guarded.
              routes.get("/", open("console", console::index));
              routes.get("/console/{file}", open("console", console::file));
              routes.post("/count", route("count", guard, Scope.COUNT, count::detailed));
              routes.post("/*", route("count", guard, Scope.COUNT, count::handle));
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
    app.start();
    switch (access.exposure()) {
      case KEYS ->
          log.info(
              "HTTP{} on {}:{}: API keys required ({} in {})",
              tls.enabled() ? "S" : "",
              host,
              app.port(),
              keys.size(),
              access.keysFile());
      case LOOPBACK ->
          log.info(
              "HTTP on {}:{} only, without authentication: no keys file is configured"
                  + " (tokentally.http.keys.file); other machines cannot reach it",
              host,
              app.port());
      case OPEN ->
          log.warn(
              "HTTP on every interface, port {}, WITHOUT AUTHENTICATION"
                  + " (tokentally.http.auth=none): anyone who reaches it can count and read usage",
              app.port());
    }
    return new HttpService(app, keys);
  }

  /** A route only callers with the scope reach; the caller is kept for the handler. */
  private static Handler route(String name, Guard guard, Scope scope, Handler handler) {
    return ctx -> {
      ctx.attribute(ROUTE, name);
      ctx.attribute(CALLER, guard.admit(ctx, scope));
      handler.handle(ctx);
    };
  }

  /** A route without a key: the probes, and the peer endpoint, which checks its own secret. */
  private static Handler open(String name, Handler handler) {
    return ctx -> {
      ctx.attribute(ROUTE, name);
      handler.handle(ctx);
    };
  }

  /** Who is calling; set for every route that {@link #route} guards. */
  static Caller caller(Context ctx) {
    Caller caller = ctx.attribute(CALLER);
    if (caller == null) {
      throw new IllegalStateException("route without a guard");
    }
    return caller;
  }

  /** An unauthenticated probe: 200 and {@code up} while {@code ok} holds, else 503 and down. */
  private static Handler probe(String route, BooleanSupplier ok, String up, String down) {
    return open(
        route,
        ctx -> {
          boolean yes = ok.getAsBoolean();
          ctx.status(yes ? 200 : 503).result((yes ? up : down) + "\n");
        });
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
    if (keys != null) {
      keys.close();
    }
  }
}
