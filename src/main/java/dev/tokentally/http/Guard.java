package dev.tokentally.http;

import dev.tokentally.access.AccessSettings;
import dev.tokentally.access.ApiKey;
import dev.tokentally.access.KeyRing;
import dev.tokentally.access.PresentedKey;
import dev.tokentally.access.RateLimiter;
import dev.tokentally.access.Scope;
import dev.tokentally.access.Secrets;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Rejection;
import io.javalin.http.Context;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place HTTP requests are authenticated and authorised. Every route but the health probes
 * passes through {@link #admit}; the internal usage endpoint passes through {@link #admitPeer}
 * instead, which accepts only the cluster secret. Refusals never say which keys exist.
 */
final class Guard {
  /** The header instances send each other the cluster secret in. */
  static final String PEER_HEADER = "tokentally-cluster-secret";

  private static final String HOW =
      "send a tokentally API key as x-api-key, x-goog-api-key, ?key= or Authorization: Bearer";

  private final AccessSettings settings;
  private final KeyRing keys;
  private final RateLimiter limiter;

  /**
   * @param keys the configured keys; null unless the exposure is {@link
   *     AccessSettings.Exposure#KEYS}
   */
  Guard(AccessSettings settings, KeyRing keys) {
    this.settings = settings;
    this.keys = keys;
    this.limiter = new RateLimiter(settings.ratePerSecond(), settings.burst(), System::nanoTime);
  }

  /** The caller, if its key has the scope; else 401, 403 or 429 as an ErrorResponse. */
  Caller admit(Context ctx, Scope scope) {
    if (keys == null) {
      return new Caller.Anyone();
    }
    Optional<String> presented;
    try {
      presented =
          PresentedKey.of(
              headers(ctx, PresentedKey.ANTHROPIC_HEADER),
              headers(ctx, PresentedKey.GOOGLE_HEADER),
              ctx.queryParams(PresentedKey.QUERY_PARAM),
              headers(ctx, PresentedKey.AUTHORIZATION));
    } catch (PresentedKey.Refused e) {
      throw unauthorized();
    }
    ApiKey key = presented.flatMap(keys::match).orElseThrow(Guard::unauthorized);
    if (!key.allows(scope)) {
      throw new Rejection(
              ErrorCode.FORBIDDEN,
              "this key does not have the " + scope.id() + " scope",
              Map.of("scope", scope.id()))
          .exception();
    }
    if (scope == Scope.COUNT) {
      long wait = limiter.acquire(key);
      if (wait > 0) {
        ctx.header("Retry-After", String.valueOf(wait));
        throw Rejection.of(
                ErrorCode.RATE_LIMITED,
                "this key sent count requests faster than "
                    + settings.ratePerSecond()
                    + " per second; retry after "
                    + wait
                    + " s")
            .exception();
      }
    }
    return new Caller.Keyed(key);
  }

  /**
   * Another instance asking for its share of a usage query. With a cluster secret configured only
   * that secret is accepted; without one the endpoint is open only where no keys are required.
   */
  void admitPeer(Context ctx) {
    String secret = settings.clusterSecret();
    if (secret == null) {
      if (keys != null) {
        throw unauthorized();
      }
      return;
    }
    List<String> sent = headers(ctx, PEER_HEADER);
    if (sent.size() != 1 || !Secrets.same(sent.get(0), secret)) {
      throw unauthorized();
    }
  }

  /** Every value of a header, so that a repeated one is seen rather than the first taken. */
  private static List<String> headers(Context ctx, String name) {
    return Collections.list(ctx.req().getHeaders(name));
  }

  private static RejectedException unauthorized() {
    return Rejection.of(ErrorCode.UNAUTHORIZED, "a valid API key is required: " + HOW).exception();
  }
}
