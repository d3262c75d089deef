package dev.tokentally.counting;

/**
 * Byte-pair merging for long words and pieces, in 8 bytes of working memory per symbol and O(log n)
 * work per merge: always the lowest-priority adjacent pair, the leftmost on ties, as both BPE
 * flavours here define it (Hugging Face's merges by rank, tiktoken's by the merged token's rank).
 *
 * <p>The heap the tokenizers use for ordinary words keeps every pair ever formed, so a word of n
 * symbols needs up to 3n heap entries besides its links: over 300 MB for one 8 MiB run of a single
 * letter, the largest record. Here each position keeps only the priority of the pair it starts, the
 * minimum of every block of 32 positions sits in a small tournament tree, and a merged-away symbol
 * is marked in place, its neighbours found by stepping over such marks (no further than the longest
 * piece of the vocabulary).
 */
final class PairMerger {
  /** No pair, or a pair the vocabulary does not merge. */
  static final int NONE = Integer.MAX_VALUE;

  private static final int GONE = -1;
  private static final int SHIFT = 5;
  private static final int BLOCK = 1 << SHIFT;

  /** A vocabulary's merges. */
  interface Pairs {
    /** The priority of merging {@code left} then {@code right}, lower first; or {@link #NONE}. */
    int priority(int left, int right);

    /** The symbol a merge of that priority makes. */
    int result(int priority);
  }

  private final int[] ids;
  private final int n;
  private final Pairs pairs;
  private final int[] priority;
  private final int leaves;
  private final int[] tree;

  private PairMerger(int[] ids, int n, Pairs pairs) {
    this.ids = ids;
    this.n = n;
    this.pairs = pairs;
    this.priority = new int[n];
    int blocks = (n + BLOCK - 1) >>> SHIFT;
    this.leaves = Integer.highestOneBit(Math.max(1, blocks - 1)) << 1;
    this.tree = new int[2 * leaves];
  }

  /**
   * Merges {@code ids[0, n)} (symbol ids, never negative) until no pair merges; returns how many
   * symbols are left. Overwrites {@code ids}.
   */
  static int count(int[] ids, int n, Pairs pairs) {
    return n < 2 ? n : new PairMerger(ids, n, pairs).run();
  }

  private int run() {
    for (int p = 0; p + 1 < n; p++) {
      priority[p] = pairs.priority(ids[p], ids[p + 1]);
    }
    priority[n - 1] = NONE;
    for (int b = 0; b < leaves; b++) {
      tree[leaves + b] = blockMin(b);
    }
    for (int i = leaves - 1; i >= 1; i--) {
      tree[i] = better(tree[2 * i], tree[2 * i + 1]);
    }
    int count = n;
    while (true) {
      int p = tree[1];
      if (p < 0 || priority[p] == NONE) {
        return count;
      }
      int q = next(p);
      ids[p] = pairs.result(priority[p]);
      ids[q] = GONE;
      priority[q] = NONE;
      count--;
      int after = next(p);
      priority[p] = after < n ? pairs.priority(ids[p], ids[after]) : NONE;
      int before = previous(p);
      if (before >= 0) {
        priority[before] = pairs.priority(ids[before], ids[p]);
      }
      update(p >>> SHIFT);
      if (q >>> SHIFT != p >>> SHIFT) {
        update(q >>> SHIFT);
      }
      if (before >= 0 && before >>> SHIFT != p >>> SHIFT) {
        update(before >>> SHIFT);
      }
    }
  }

  private int next(int p) {
    int q = p + 1;
    while (q < n && ids[q] == GONE) {
      q++;
    }
    return q;
  }

  private int previous(int p) {
    int q = p - 1;
    while (q >= 0 && ids[q] == GONE) {
      q--;
    }
    return q;
  }

  /** The leftmost position of the block's lowest priority, or -1 when none merges. */
  private int blockMin(int block) {
    int best = -1;
    int bestPriority = NONE;
    int end = Math.min(n, (block + 1) << SHIFT);
    for (int p = block << SHIFT; p < end; p++) {
      if (priority[p] < bestPriority) {
        bestPriority = priority[p];
        best = p;
      }
    }
    return best;
  }

  /**
   * Of two candidate positions, {@code left} lying before {@code right}: the lower, left on ties.
   */
  private int better(int left, int right) {
    if (left < 0) {
      return right;
    }
    if (right < 0) {
      return left;
    }
    return priority[right] < priority[left] ? right : left;
  }

  private void update(int block) {
    int i = leaves + block;
    tree[i] = blockMin(block);
    for (i >>>= 1; i >= 1; i >>>= 1) {
      tree[i] = better(tree[2 * i], tree[2 * i + 1]);
    }
  }
}
