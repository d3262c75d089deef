package dev.tokentally.counting;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Token counts of content blocks by a 64-bit hash of their text, so that what real traffic resends
 * with every request (system prompts, tool definitions, earlier turns) costs a lookup instead of a
 * tokenization. Direct-mapped and lock-free: each slot packs 40 bits of the hash and a 24-bit count
 * into one long, so a reader never sees a count paired with the wrong hash. Bounded by construction
 * ({@code slots} longs); a colliding block simply replaces the older one.
 */
public final class BlockCountCache {
  /** Blocks shorter than this are cheaper to tokenize than to hash and look up. */
  static final int MIN_CHARS = 64;

  private static final long COUNT_MASK = (1L << 24) - 1;

  private final AtomicLongArray slots;
  private final int mask;
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder charsTokenized = new LongAdder();
  private final LongAdder charsSkipped = new LongAdder();

  /**
   * @param slots number of cached blocks, rounded up to a power of two; 0 disables the cache
   */
  public BlockCountCache(int slots) {
    int size = slots <= 0 ? 0 : Integer.highestOneBit(Math.max(1, slots - 1)) << 1;
    this.slots = new AtomicLongArray(Math.max(size, 1));
    this.mask = size == 0 ? -1 : size - 1;
  }

  public static BlockCountCache disabled() {
    return new BlockCountCache(0);
  }

  /** Counts {@code text} with {@code tokenizer}, through the cache when the text is long enough. */
  public int count(TextTokenizer tokenizer, int tokenizerId, String text) {
    if (mask < 0 || text.length() < MIN_CHARS) {
      charsTokenized.add(text.length());
      return tokenizer.count(text);
    }
    long hash = hash(text) * 31 + tokenizerId;
    int slot = (int) hash & mask;
    long tag = hash >>> 24;
    long entry = slots.get(slot);
    if (entry != 0 && (entry >>> 24) == (tag & 0xFFFFFFFFFFL)) {
      hits.increment();
      charsSkipped.add(text.length());
      return (int) (entry & COUNT_MASK);
    }
    misses.increment();
    charsTokenized.add(text.length());
    int count = tokenizer.count(text);
    if (count <= COUNT_MASK) {
      slots.set(slot, ((tag & 0xFFFFFFFFFFL) << 24) | count);
    }
    return count;
  }

  /** 64-bit FNV-1a over the chars, finished with a murmur mix so that slots spread evenly. */
  static long hash(String text) {
    long h = 0xcbf29ce484222325L ^ text.length();
    for (int i = 0; i < text.length(); i++) {
      h = (h ^ text.charAt(i)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    return h;
  }

  public Stats stats() {
    return new Stats(hits.sum(), misses.sum(), charsTokenized.sum(), charsSkipped.sum(), mask + 1);
  }

  /** Counters since start; {@code capacity} is the number of slots. */
  public record Stats(
      long hits, long misses, long charsTokenized, long charsSkipped, int capacity) {
    public double hitRate() {
      long lookups = hits + misses;
      return lookups == 0 ? 0 : (double) hits / lookups;
    }
  }
}
