package dev.tokentally.counting;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/** Exposes the block-count cache: lookups by result, characters tokenized or skipped, size. */
public final class BlockCacheMetrics implements MeterBinder {
  private final BlockCountCache cache;

  public BlockCacheMetrics(BlockCountCache cache) {
    this.cache = cache;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    FunctionCounter.builder("tokentally.count.cache.lookups", cache, c -> c.stats().hits())
        .tag("result", "hit")
        .description("Content blocks whose count came from the cache")
        .register(registry);
    FunctionCounter.builder("tokentally.count.cache.lookups", cache, c -> c.stats().misses())
        .tag("result", "miss")
        .description("Content blocks long enough to cache that had to be tokenized")
        .register(registry);
    FunctionCounter.builder("tokentally.count.chars", cache, c -> c.stats().charsTokenized())
        .tag("path", "tokenized")
        .description("Characters run through a tokenizer")
        .register(registry);
    FunctionCounter.builder("tokentally.count.chars", cache, c -> c.stats().charsSkipped())
        .tag("path", "cached")
        .description("Characters whose tokens came from the block cache")
        .register(registry);
    Gauge.builder("tokentally.count.cache.hit.ratio", cache, c -> c.stats().hitRate())
        .description("Share of cacheable blocks answered from the cache since start")
        .register(registry);
    Gauge.builder("tokentally.count.cache.capacity", cache, c -> c.stats().capacity())
        .description("Slots in the block-count cache")
        .register(registry);
  }
}
