package dev.tokentally.access;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * A token bucket per key label for the count endpoints, so that one client cannot take the CPU the
 * stream needs. The map holds one bucket per configured key at most.
 */
public final class RateLimiter {
  private final double perSecond;
  private final double burst;
  private final LongSupplier nanos;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  /**
   * @param perSecond sustained requests per second per key; 0 turns the limit off
   * @param burst requests a key may send at once after being idle
   */
  public RateLimiter(double perSecond, int burst, LongSupplier nanos) {
    this.perSecond = perSecond;
    this.burst = Math.max(1, burst);
    this.nanos = nanos;
  }

  /** Takes one request's token; returns 0 when allowed, else the whole seconds until one is due. */
  public long acquire(ApiKey key) {
    if (perSecond <= 0) {
      return 0;
    }
    return buckets.computeIfAbsent(key.label(), k -> new Bucket(burst, nanos.getAsLong())).take();
  }

  private final class Bucket {
    private double tokens;
    private long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }

    synchronized long take() {
      long now = nanos.getAsLong();
      tokens = Math.min(burst, tokens + (now - at) / 1e9 * perSecond);
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      double wait = (1 - tokens) / perSecond;
      return Math.max(1, (long) Math.ceil(wait));
    }
  }
}
