package dev.tokentally.counting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.GptBytePairEncodingParams;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * Anthropic's published Claude BPE vocabulary ({@code @anthropic-ai/tokenizer} 0.0.4) run by
 * jtokkit. Counts equal the npm package's {@code countTokens}: the text is NFKC-normalised and the
 * five special tokens count one each, because the npm package encodes with {@code 'all'} specials
 * allowed while jtokkit only accepts specials spelled {@code <|...|>}.
 */
public final class ClaudeTokenizer implements TextTokenizer {
  private static final String RESOURCE = "/vocab/claude/claude.json.gz";
  private static final String GAP_RESOURCE = "/vocab/claude/unicode-gap.txt";
  private static final String EXPECTED_PATTERN =
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
  private static final Pattern SPECIALS = Pattern.compile("<(?:EOT|META|META_START|META_END|SOS)>");

  /**
   * Pieces this long (in chars) are merged by {@link PairMerger}. jtokkit merges a long piece with
   * a tree map and about 90 bytes per byte: one 8 MiB run of a single letter, the largest record,
   * ran a 512 MiB heap out of memory after 20 s.
   */
  static final int LONG_PIECE_CHARS = 4096;

  private final Encoding encoding;
  private final Pattern pieces;

  private ClaudeTokenizer(Encoding encoding, Pattern pieces) {
    this.encoding = encoding;
    this.pieces = pieces;
  }

  /** Loads the vocabulary from the jar; takes about half a second, so share the instance. */
  public static ClaudeTokenizer load() {
    JsonNode json = vocabulary();
    String pattern = withUnicodeGap(json.get("pat_str").asText(), UnicodeGap.load(GAP_RESOURCE));
    return new ClaudeTokenizer(
        encoding("claude", pattern, json),
        Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS));
  }

  private static JsonNode vocabulary() {
    try (InputStream raw = ClaudeTokenizer.class.getResourceAsStream(RESOURCE)) {
      if (raw == null) {
        throw new IllegalStateException("missing resource " + RESOURCE);
      }
      return new ObjectMapper().readTree(new GZIPInputStream(raw));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  private static Encoding encoding(String name, String pattern, JsonNode vocabulary) {
    EncodingRegistry registry = Encodings.newLazyEncodingRegistry();
    registry.registerGptBytePairEncoding(
        new GptBytePairEncodingParams(
            name,
            Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS),
            decodeRanks(vocabulary.get("bpe_ranks").asText()),
            Map.of()));
    return registry.getEncoding(name).orElseThrow();
  }

  /**
   * The vocabulary's regex, with the letters and numbers that the tokenizer's newer Unicode tables
   * know and this JDK's do not added to {@code \\p{L}} and {@code \\p{N}}. Without them, a letter
   * from a recent script splits differently and the count is off.
   */
  static String withUnicodeGap(String patStr, UnicodeGap gap) {
    if (!patStr.equals(EXPECTED_PATTERN)) {
      throw new IllegalStateException("unexpected Claude pre-tokenizer pattern: " + patStr);
    }
    String letters = "\\p{L}" + gap.letters();
    String numbers = "\\p{N}" + gap.numbers();
    return patStr
        .replace("[^\\s\\p{L}\\p{N}]", "[^\\s" + letters + numbers + "]")
        .replace("\\p{L}+", "[" + letters + "]+")
        .replace("\\p{N}+", "[" + numbers + "]+");
  }

  /**
   * Decodes tiktoken-lite's text format: a line {@code ! <rank> <b64> <b64> ...} lists consecutive
   * ranks from {@code rank}; any other line is {@code <b64> <rank>}.
   */
  static Map<byte[], Integer> decodeRanks(String text) {
    Base64.Decoder b64 = Base64.getDecoder();
    Map<byte[], Integer> ranks = new HashMap<>(131_072);
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      String[] parts = line.split(" ");
      if (parts[0].equals("!")) {
        int rank = Integer.parseInt(parts[1]);
        for (int i = 2; i < parts.length; i++, rank++) {
          ranks.put(b64.decode(parts[i]), rank);
        }
      } else {
        ranks.put(b64.decode(parts[0]), Integer.parseInt(parts[1]));
      }
    }
    return ranks;
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }

  /**
   * jtokkit with the same Claude vocabulary and the package's own regex, without NFKC, specials or
   * the Unicode-gap patch: the "plain jtokkit" baseline of the tokenizer benchmark. Not exact.
   */
  public static Encoding plainJtokkit() {
    JsonNode json = vocabulary();
    return encoding("claude-plain", json.get("pat_str").asText(), json);
  }

  @Override
  public int count(String text) {
    if (text.isEmpty()) {
      return 0;
    }
    // ASCII is already NFKC, and a text without '<' holds no special token: both checks are a
    // fraction of the cost of what they skip, and most prompt text passes both.
    String normalized = isAscii(text) ? text : Normalizer.normalize(text, Normalizer.Form.NFKC);
    if (normalized.indexOf('<') < 0) {
      return ordinary(normalized);
    }
    Matcher special = SPECIALS.matcher(normalized);
    int tokens = 0;
    int start = 0;
    while (special.find()) {
      tokens += ordinary(normalized.substring(start, special.start())) + 1;
      start = special.end();
    }
    return tokens + ordinary(normalized.substring(start));
  }

  /**
   * jtokkit's count, except that pieces of {@link #LONG_PIECE_CHARS} or more are merged by {@link
   * PairMerger}: the text is cut where such a piece starts and ends, which are piece boundaries, so
   * jtokkit splits the rest exactly as it would have.
   */
  private int ordinary(String text) {
    if (!mayHoldLongPiece(text)) {
      return encoding.countTokensOrdinary(text);
    }
    Matcher piece = pieces.matcher(text);
    int tokens = 0;
    int from = 0;
    while (piece.find()) {
      if (piece.end() - piece.start() >= LONG_PIECE_CHARS) {
        tokens += encoding.countTokensOrdinary(text.substring(from, piece.start()));
        tokens += LongPieces.count(text.substring(piece.start(), piece.end()));
        from = piece.end();
      }
    }
    return tokens + encoding.countTokensOrdinary(text.substring(from));
  }

  /**
   * A piece is whitespace, or an optional space and then no whitespace: a long one needs a long run
   * of either. Most texts have none, and pay one pass over their chars instead of a second regex
   * pass.
   */
  static boolean mayHoldLongPiece(String text) {
    if (text.length() < LONG_PIECE_CHARS) {
      return false;
    }
    int run = 0;
    boolean white = false;
    for (int i = 0; i < text.length(); i++) {
      boolean w = isWhiteSpace(text.charAt(i));
      run = w == white ? run + 1 : 1;
      white = w;
      if (run >= LONG_PIECE_CHARS - 1) {
        return true;
      }
    }
    return false;
  }

  /** Unicode's White_Space, which {@code \s} matches under UNICODE_CHARACTER_CLASS. */
  private static boolean isWhiteSpace(char c) {
    return c <= 0x20
        ? c == ' ' || (c >= 0x09 && c <= 0x0D)
        : c == 0x85
            || c == 0xA0
            || c == 0x1680
            || (c >= 0x2000 && c <= 0x200A)
            || c == 0x2028
            || c == 0x2029
            || c == 0x202F
            || c == 0x205F
            || c == 0x3000;
  }

  /** jtokkit's count, long pieces and all; the reference the long-piece path is tested against. */
  int countWithJtokkitOnly(String text) {
    return encoding.countTokensOrdinary(text);
  }

  /** The count of one pre-tokenized piece by the long-piece path, whatever its length. */
  static int countLongPiece(String piece) {
    return LongPieces.count(piece);
  }

  /**
   * tiktoken's merges for long pieces: a pair of tokens merges into the token that is their bytes
   * joined, the lowest such token rank first. Built from the vocabulary on the first long piece.
   */
  private static final class LongPieces {
    private static final MergeTable PAIRS;
    private static final int[] BYTE_TOKENS = new int[256];

    static {
      Map<byte[], Integer> ranks = decodeRanks(vocabulary().get("bpe_ranks").asText());
      Map<String, Integer> byText = new HashMap<>(ranks.size() * 2);
      ranks.forEach(
          (bytes, rank) -> byText.put(new String(bytes, StandardCharsets.ISO_8859_1), rank));
      IntList left = new IntList();
      IntList right = new IntList();
      IntList merged = new IntList();
      byText.forEach(
          (token, rank) -> {
            if (token.length() == 1) {
              BYTE_TOKENS[token.charAt(0)] = rank;
            }
            for (int i = 1; i < token.length(); i++) {
              Integer l = byText.get(token.substring(0, i));
              Integer r = byText.get(token.substring(i));
              if (l != null && r != null) {
                left.add(l);
                right.add(r);
                merged.add(rank);
              }
            }
          });
      PAIRS = new MergeTable(left.toArray(), right.toArray(), merged.toArray());
    }

    private static final PairMerger.Pairs BY_TOKEN_RANK =
        new PairMerger.Pairs() {
          @Override
          public int priority(int l, int r) {
            int pair = PAIRS.rank(l, r);
            return pair == MergeTable.NONE ? PairMerger.NONE : PAIRS.result(pair);
          }

          @Override
          public int result(int tokenRank) {
            return tokenRank;
          }
        };

    static int count(String piece) {
      byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
      int[] ids = new int[bytes.length];
      for (int i = 0; i < bytes.length; i++) {
        ids[i] = BYTE_TOKENS[bytes[i] & 0xFF];
      }
      return PairMerger.count(ids, ids.length, BY_TOKEN_RANK);
    }
  }

  /** A growable int array, for building the pair table. */
  private static final class IntList {
    private int[] items = new int[1024];
    private int size;

    void add(int value) {
      if (size == items.length) {
        items = Arrays.copyOf(items, size * 2);
      }
      items[size++] = value;
    }

    int[] toArray() {
      return Arrays.copyOf(items, size);
    }
  }
}
