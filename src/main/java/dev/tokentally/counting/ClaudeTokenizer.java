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
import java.text.Normalizer;
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

  private final Encoding encoding;

  private ClaudeTokenizer(Encoding encoding) {
    this.encoding = encoding;
  }

  /** Loads the vocabulary from the jar; takes about half a second, so share the instance. */
  public static ClaudeTokenizer load() {
    JsonNode json = vocabulary();
    String pattern = withUnicodeGap(json.get("pat_str").asText(), UnicodeGap.load(GAP_RESOURCE));
    return new ClaudeTokenizer(encoding("claude", pattern, json));
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
      return encoding.countTokensOrdinary(normalized);
    }
    Matcher special = SPECIALS.matcher(normalized);
    int tokens = 0;
    int start = 0;
    while (special.find()) {
      tokens += encoding.countTokensOrdinary(normalized.substring(start, special.start())) + 1;
      start = special.end();
    }
    return tokens + encoding.countTokensOrdinary(normalized.substring(start));
  }
}
