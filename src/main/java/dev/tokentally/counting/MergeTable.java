package dev.tokentally.counting;

import java.util.Arrays;

/**
 * BPE merges as an open-addressing table from a (left, right) piece pair to its rank. Primitive
 * arrays rather than a {@code HashMap<Long, ...>}: half a million boxed entries would cost tens of
 * megabytes of heap and a pointer chase per lookup on the hottest path of the application.
 */
final class MergeTable {
  static final int NONE = -1;
  private static final long EMPTY = -1L;

  private final long[] keys;
  private final int[] ranks;
  private final int[] resultByRank;
  private final int mask;

  MergeTable(int[] left, int[] right, int[] result) {
    int capacity = Integer.highestOneBit(Math.max(16, left.length * 2 - 1)) << 1;
    keys = new long[capacity];
    ranks = new int[capacity];
    mask = capacity - 1;
    Arrays.fill(keys, EMPTY);
    resultByRank = result.clone();
    for (int rank = 0; rank < left.length; rank++) {
      long key = key(left[rank], right[rank]);
      int slot = slot(key);
      while (keys[slot] != EMPTY && keys[slot] != key) {
        slot = (slot + 1) & mask;
      }
      if (keys[slot] == key) {
        throw new IllegalArgumentException("merge listed twice at rank " + rank);
      }
      keys[slot] = key;
      ranks[slot] = rank;
    }
  }

  /** The rank of merging {@code left} then {@code right}, or {@link #NONE}. */
  int rank(int left, int right) {
    long key = key(left, right);
    int slot = slot(key);
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return ranks[slot];
      }
      if (k == EMPTY) {
        return NONE;
      }
      slot = (slot + 1) & mask;
    }
  }

  int result(int rank) {
    return resultByRank[rank];
  }

  private static long key(int left, int right) {
    return ((long) left << 32) | (right & 0xffffffffL);
  }

  private int slot(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32)) & mask;
  }
}
