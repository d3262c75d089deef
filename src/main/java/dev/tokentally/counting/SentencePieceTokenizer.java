package dev.tokentally.counting;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * Gemma's SentencePiece BPE (byte fallback) as Hugging Face tokenizers runs it from {@code
 * tokenizer.json}: added tokens are matched on the raw text first, spaces become U+2581, then
 * merges are applied lowest rank first, leftmost first on ties. Counts are identical to HF; the
 * test suite checks that against the HF library itself.
 *
 * <p>HF runs BPE over the whole text as one word. No piece of these vocabularies spans the point
 * where a U+2581 run starts after other text (apart from the few "bridging" pieces listed in the
 * vocabulary file, which are checked), so the text can be cut there into words whose counts add up
 * to the same total. Short words are then cached, which is where most of the speed comes from.
 */
public final class SentencePieceTokenizer implements TextTokenizer {
  private static final char SPACE_MARK = '\u2581';
  private static final int CACHED_WORD_MAX_CHARS = 48;

  /**
   * Words this long are merged by {@link PairMerger} in arrays of their own size; the per-thread
   * scratch and heap only ever grow to this size, so no thread keeps a buffer the size of the
   * largest word it has seen.
   */
  static final int LONG_WORD_CHARS = 4096;

  private static final int WORD_CACHE_ENTRIES = 100_000;

  private final int[] bmpPieces;
  private final Map<Integer, Integer> astralPieces;
  private final int[] bytePieces;
  private final boolean byteFallback;
  private final boolean fuseUnknown;
  private final int unknownPiece;
  private final MergeTable merges;
  private final AddedTokens added;
  private final List<String> bridges;
  private final ConcurrentHashMap<String, Integer> wordCache = new ConcurrentHashMap<>();
  private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

  private SentencePieceTokenizer(
      int[] bmpPieces,
      Map<Integer, Integer> astralPieces,
      int[] bytePieces,
      int flags,
      int unknownPiece,
      MergeTable merges,
      AddedTokens added,
      List<String> bridges) {
    this.bmpPieces = bmpPieces;
    this.astralPieces = astralPieces;
    this.bytePieces = bytePieces;
    this.byteFallback = (flags & 1) != 0;
    this.fuseUnknown = (flags & 2) != 0;
    this.unknownPiece = unknownPiece;
    this.merges = merges;
    this.added = added;
    this.bridges = bridges;
  }

  /** Reads a vocabulary written by {@code scripts/vocab/sentencepiece-bpe.mjs} (gzip). */
  public static SentencePieceTokenizer load(String resource) {
    try (InputStream raw = SentencePieceTokenizer.class.getResourceAsStream(resource)) {
      if (raw == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      return read(new DataInputStream(new GZIPInputStream(raw, 1 << 16)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static SentencePieceTokenizer read(DataInputStream in) throws IOException {
    byte[] magic = in.readNBytes(6);
    if (!new String(magic, StandardCharsets.US_ASCII).equals("TTBPE1")) {
      throw new IOException("not a tokentally BPE vocabulary");
    }
    in.readInt(); // vocabulary size, informational
    int unknown = in.readInt();
    int flags = in.readInt();
    int[] bmp = new int[Character.MAX_VALUE + 1];
    Arrays.fill(bmp, -1);
    Map<Integer, Integer> astral = new HashMap<>();
    for (int i = in.readInt(); i > 0; i--) {
      int codePoint = in.readInt();
      int id = in.readInt();
      if (codePoint <= Character.MAX_VALUE) {
        bmp[codePoint] = id;
      } else {
        astral.put(codePoint, id);
      }
    }
    int[] bytes = new int[256];
    for (int b = 0; b < 256; b++) {
      bytes[b] = in.readInt();
    }
    int mergeCount = in.readInt();
    int[] left = new int[mergeCount];
    int[] right = new int[mergeCount];
    int[] result = new int[mergeCount];
    for (int i = 0; i < mergeCount; i++) {
      left[i] = in.readInt();
      right[i] = in.readInt();
      result[i] = in.readInt();
    }
    List<String> addedTokens = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      in.readInt(); // id: an added token counts as one whatever its id
      addedTokens.add(readString(in));
    }
    List<String> bridges = new ArrayList<>();
    for (int i = in.readInt(); i > 0; i--) {
      bridges.add(readString(in));
    }
    return new SentencePieceTokenizer(
        bmp,
        Map.copyOf(astral),
        bytes,
        flags,
        unknown,
        new MergeTable(left, right, result),
        new AddedTokens(addedTokens),
        List.copyOf(bridges));
  }

  private static String readString(DataInputStream in) throws IOException {
    return new String(in.readNBytes(in.readUnsignedShort()), StandardCharsets.UTF_8);
  }

  @Override
  public int count(String text) {
    Scratch s = scratch.get();
    int tokens = 0;
    int segmentStart = 0;
    int i = 0;
    int n = text.length();
    while (i < n) {
      int matched = added.mayStart(text.charAt(i)) ? added.longestMatch(text, i) : 0;
      if (matched > 0) {
        tokens += countSegment(text, segmentStart, i, s) + 1;
        i += matched;
        segmentStart = i;
      } else {
        i++;
      }
    }
    return tokens + countSegment(text, segmentStart, n, s);
  }

  /** Number of words in the cache right now; for metrics and tests. */
  public int cachedWords() {
    return wordCache.size();
  }

  /** Empties the word cache; benchmarks use it to measure the cold path. */
  public void clearCache() {
    wordCache.clear();
  }

  private int countSegment(String text, int from, int to, Scratch s) {
    int tokens = 0;
    int wordStart = from;
    for (int j = from + 1; j < to; j++) {
      if (isSpace(text.charAt(j)) && !isSpace(text.charAt(j - 1)) && !bridged(text, from, to, j)) {
        tokens += countWord(text, wordStart, j, s);
        wordStart = j;
      }
    }
    return wordStart < to ? tokens + countWord(text, wordStart, to, s) : tokens;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == SPACE_MARK;
  }

  private boolean bridged(String text, int from, int to, int boundary) {
    for (String piece : bridges) {
      for (int k = 1; k < piece.length(); k++) {
        if (piece.charAt(k) == SPACE_MARK && piece.charAt(k - 1) != SPACE_MARK) {
          int start = boundary - k;
          if (start >= from && start + piece.length() <= to && matches(text, start, piece)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean matches(String text, int start, String piece) {
    for (int k = 0; k < piece.length(); k++) {
      char c = text.charAt(start + k);
      if ((c == ' ' ? SPACE_MARK : c) != piece.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private int countWord(String text, int from, int to, Scratch s) {
    if (to - from > CACHED_WORD_MAX_CHARS) {
      return bpe(text, from, to, s);
    }
    String word = text.substring(from, to);
    Integer cached = wordCache.get(word);
    if (cached != null) {
      return cached;
    }
    int count = bpe(text, from, to, s);
    if (wordCache.size() >= WORD_CACHE_ENTRIES) {
      // Crude but bounded: a full cache starts over instead of tracking recency per hit.
      wordCache.clear();
    }
    wordCache.put(word, count);
    return count;
  }

  private int bpe(String text, int from, int to, Scratch s) {
    boolean longWord = to - from >= LONG_WORD_CHARS;
    int[] ids = longWord ? new int[maxSymbols(text, from, to)] : s.ids(4 * (to - from) + 1);
    int n = symbols(text, from, to, ids);
    if (n < 2) {
      return n;
    }
    return longWord ? PairMerger.count(ids, n, mergePairs) : merge(ids, n, s);
  }

  /** Writes the word's initial symbols (pieces, byte fallbacks, unknowns); returns how many. */
  private int symbols(String text, int from, int to, int[] ids) {
    int n = 0;
    boolean pendingUnknown = false;
    for (int j = from; j < to; ) {
      int cp = text.codePointAt(j);
      j += Character.charCount(cp);
      if (cp == ' ') {
        cp = SPACE_MARK;
      } else if (Character.isSurrogate((char) cp) && cp <= Character.MAX_VALUE) {
        cp = 0xFFFD; // a lone surrogate cannot be UTF-8; HF would see the replacement character
      }
      int id = piece(cp);
      if (id >= 0) {
        if (pendingUnknown) {
          ids[n++] = unknownPiece;
          pendingUnknown = false;
        }
        ids[n++] = id;
      } else if (byteFallback && n + 4 <= ids.length && appendBytes(cp, ids, n)) {
        // HF leaves a pending unknown in place across byte-fallback pieces; so does this.
        n += utf8Length(cp);
      } else if (pendingUnknown && !fuseUnknown) {
        ids[n++] = unknownPiece;
      } else {
        pendingUnknown = true;
      }
    }
    if (pendingUnknown) {
      ids[n++] = unknownPiece;
    }
    return n;
  }

  /**
   * Room for a word's initial symbols: one per ASCII char, at most three (its UTF-8 bytes) per
   * other char, plus the slack {@link #symbols} wants for a byte fallback.
   */
  private static int maxSymbols(String text, int from, int to) {
    int n = 4;
    for (int j = from; j < to; j++) {
      n += text.charAt(j) < 0x80 ? 1 : 3;
    }
    return n;
  }

  /** The merges as {@link PairMerger} asks for them: by rank, which is also the priority. */
  private final PairMerger.Pairs mergePairs =
      new PairMerger.Pairs() {
        @Override
        public int priority(int left, int right) {
          int rank = merges.rank(left, right);
          return rank == MergeTable.NONE ? PairMerger.NONE : rank;
        }

        @Override
        public int result(int rank) {
          return merges.result(rank);
        }
      };

  /** The count of one word (no added tokens, no split), by the long-word path or the heap. */
  int countWordForTest(String word, boolean longPath) {
    int[] ids = new int[maxSymbols(word, 0, word.length())];
    int n = symbols(word, 0, word.length(), ids);
    if (n < 2) {
      return n;
    }
    return longPath ? PairMerger.count(ids, n, mergePairs) : merge(ids, n, scratch.get());
  }

  private int piece(int cp) {
    if (cp <= Character.MAX_VALUE) {
      return bmpPieces[cp];
    }
    Integer id = astralPieces.get(cp);
    return id == null ? -1 : id;
  }

  private boolean appendBytes(int cp, int[] ids, int at) {
    byte[] utf8 = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
    for (byte b : utf8) {
      if (bytePieces[b & 0xff] < 0) {
        return false;
      }
    }
    for (int k = 0; k < utf8.length; k++) {
      ids[at + k] = bytePieces[utf8[k] & 0xff];
    }
    return true;
  }

  private static int utf8Length(int cp) {
    return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
  }

  private int merge(int[] ids, int n, Scratch s) {
    int[] next = s.next(n);
    int[] prev = s.prev(n);
    boolean[] gone = s.gone(n);
    LongHeap heap = s.heap;
    heap.clear();
    for (int k = 0; k < n; k++) {
      next[k] = k + 1;
      prev[k] = k - 1;
      gone[k] = false;
    }
    for (int k = 0; k + 1 < n; k++) {
      push(heap, ids[k], ids[k + 1], k);
    }
    int count = n;
    while (!heap.isEmpty()) {
      long top = heap.pop();
      int rank = (int) (top >>> 32);
      int pos = (int) top;
      int right = next[pos];
      // Entries go stale when a neighbour merged first; the pair at pos then has another rank.
      if (gone[pos] || right >= n || merges.rank(ids[pos], ids[right]) != rank) {
        continue;
      }
      ids[pos] = merges.result(rank);
      gone[right] = true;
      count--;
      int after = next[right];
      next[pos] = after;
      if (after < n) {
        prev[after] = pos;
        push(heap, ids[pos], ids[after], pos);
      }
      if (prev[pos] >= 0) {
        push(heap, ids[prev[pos]], ids[pos], prev[pos]);
      }
    }
    return count;
  }

  private void push(LongHeap heap, int left, int right, int pos) {
    int rank = merges.rank(left, right);
    if (rank != MergeTable.NONE) {
      heap.push(((long) rank << 32) | pos);
    }
  }

  /** Per-thread work arrays, so counting a word allocates nothing once they have grown. */
  private static final class Scratch {
    private int[] ids = new int[256];
    private int[] next = new int[256];
    private int[] prev = new int[256];
    private boolean[] gone = new boolean[256];
    private final LongHeap heap = new LongHeap();

    int[] ids(int size) {
      return ids.length >= size ? ids : (ids = new int[Math.max(size, ids.length * 2)]);
    }

    int[] next(int size) {
      return next.length >= size ? next : (next = new int[Math.max(size, next.length * 2)]);
    }

    int[] prev(int size) {
      return prev.length >= size ? prev : (prev = new int[Math.max(size, prev.length * 2)]);
    }

    boolean[] gone(int size) {
      return gone.length >= size ? gone : (gone = new boolean[Math.max(size, gone.length * 2)]);
    }
  }
}
