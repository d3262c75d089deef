package dev.tokentally.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * A deterministic, mixed text corpus for tokenizer oracle tests and benchmarks: English-like prose,
 * real code (this repository's sources), JSON, CJK, emoji sequences, whitespace runs, markup and
 * control-token look-alikes, and random code points from every plane. Chunks vary in length so that
 * both short and long words, and text both with and without spaces, are exercised.
 */
public final class TextCorpus {
  private static final String[] WORDS = {
    "the",
    "of",
    "and",
    "to",
    "in",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "I",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "had",
    "they",
    "you",
    "were",
    "their",
    "one",
    "all",
    "we",
    "can",
    "her",
    "has",
    "there",
    "been",
    "if",
    "more",
    "when",
    "will",
    "would",
    "who",
    "so",
    "no",
    "token",
    "tokenizer",
    "Kafka",
    "stream",
    "request",
    "counting",
    "Anthropic",
    "Gemini",
    "Claude",
    "model",
    "window",
    "budget",
    "latency",
    "throughput",
    "exactly-once",
    "partition",
    "consumer",
    "producer",
    "don't",
    "it's",
    "we'll",
    "they're",
    "I've",
    "O'Brien",
    "naïve",
    "café",
    "Zürich",
    "façade",
    "über",
    "São",
    "Paulo",
    "2024",
    "3.14159",
    "1,000,000",
    "$42.50",
    "100%",
    "e.g.",
    "i.e.",
    "unbelievably",
    "antidisestablishmentarianism",
    "photosynthesis",
    "internationalization",
    "JSON",
    "HTTP/1.1",
    "https://example.com/a?b=c&d=e",
    "user@example.org",
    "#hashtag",
    "@mention",
  };
  private static final String[] MARKUP = {
    "<table>",
    "</table>",
    "<tr>",
    "<td>",
    "<h1>",
    "</h1>",
    "<b>",
    "</b>",
    "<start_of_turn>",
    "<end_of_turn>",
    "<bos>",
    "<eos>",
    "<unused42>",
    "[multimodal]",
    "<start_of_image>",
    "<div>",
    "<span class=\"x\">",
    "</span>",
    "<EOT>",
    "<|endoftext|>",
    "> </",
    "<a href=\"#\">",
    "<img>",
  };

  private TextCorpus() {}

  /** At least {@code minChars} characters, in chunks, the same for the same seed. */
  public static List<String> chunks(long seed, int minChars) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> code = sources("src/main/java", ".java");
    List<String> json = sources("src/test/resources", ".json");
    List<String> chunks = new ArrayList<>();
    int total = 0;
    while (total < minChars) {
      int length = random.nextInt(10) < 7 ? 1 + random.nextInt(400) : 400 + random.nextInt(6000);
      String chunk =
          switch (random.nextInt(8)) {
            case 0, 1 -> prose(random, length);
            case 2 -> excerpt(random, code, length);
            case 3 -> excerpt(random, json, length);
            case 4 -> cjk(random, length);
            case 5 -> emoji(random, length);
            case 6 -> mixed(random, length);
            default -> randomUnicode(random, length);
          };
      chunks.add(chunk);
      total += chunk.length();
    }
    return chunks;
  }

  private static List<String> sources(String dir, String suffix) {
    try (Stream<Path> files = Files.walk(Path.of(dir))) {
      List<String> texts = new ArrayList<>();
      for (Path file : files.filter(f -> f.toString().endsWith(suffix)).sorted().toList()) {
        texts.add(Files.readString(file));
      }
      return texts;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String excerpt(SplittableRandom random, List<String> texts, int length) {
    String text = texts.get(random.nextInt(texts.size()));
    int start = random.nextInt(Math.max(1, text.length() - length));
    String piece = text.substring(start, Math.min(text.length(), start + length));
    return Character.isLowSurrogate(piece.isEmpty() ? 'a' : piece.charAt(0))
        ? piece.substring(1)
        : piece;
  }

  /** English-like prose of at least {@code length} characters. */
  public static String prose(SplittableRandom random, int length) {
    StringBuilder out = new StringBuilder();
    boolean sentenceStart = true;
    while (out.length() < length) {
      String word = WORDS[random.nextInt(WORDS.length)];
      if (sentenceStart && Character.isLowerCase(word.charAt(0))) {
        word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
      }
      out.append(word);
      sentenceStart = false;
      int r = random.nextInt(100);
      if (r < 8) {
        out.append(". ");
        sentenceStart = true;
      } else if (r < 12) {
        out.append(", ");
      } else if (r < 14) {
        out.append(random.nextBoolean() ? ".\n\n" : "?\n");
        sentenceStart = true;
      } else if (r < 15) {
        out.append("  ");
      } else if (r < 16) {
        out.append(" \t");
      } else {
        out.append(' ');
      }
    }
    return out.toString();
  }

  private static String cjk(SplittableRandom random, int length) {
    StringBuilder out = new StringBuilder();
    while (out.length() < length) {
      int r = random.nextInt(10);
      int cp =
          r < 5
              ? 0x4E00 + random.nextInt(0x9FFF - 0x4E00)
              : r < 7
                  ? 0x3040 + random.nextInt(0x60)
                  : r < 9
                      ? 0xAC00 + random.nextInt(11172)
                      : "。、！？「」 ".codePointAt(random.nextInt(7));
      out.appendCodePoint(cp);
    }
    return out.toString();
  }

  private static String emoji(SplittableRandom random, int length) {
    StringBuilder out = new StringBuilder();
    while (out.length() < length) {
      out.appendCodePoint(0x1F300 + random.nextInt(0x1FAFF - 0x1F300));
      int r = random.nextInt(10);
      if (r == 0) {
        out.appendCodePoint(0x1F3FB + random.nextInt(5)); // skin tone
      } else if (r == 1) {
        out.append('\u200D').appendCodePoint(0x1F466 + random.nextInt(4)); // ZWJ sequence
      } else if (r == 2) {
        out.append(' ');
      } else if (r == 3) {
        out.append("\uFE0F");
      }
    }
    return out.toString();
  }

  private static String mixed(SplittableRandom random, int length) {
    StringBuilder out = new StringBuilder();
    while (out.length() < length) {
      switch (random.nextInt(7)) {
        case 0 -> out.append(MARKUP[random.nextInt(MARKUP.length)]);
        case 1 -> out.append("\n".repeat(1 + random.nextInt(40)));
        case 2 -> out.append("\t".repeat(1 + random.nextInt(40)));
        case 3 -> out.append(" ".repeat(1 + random.nextInt(40)));
        case 4 -> out.append("\u2581".repeat(1 + random.nextInt(5)));
        case 5 -> out.append(prose(random, 1 + random.nextInt(60)));
        default -> out.append(randomUnicode(random, 1 + random.nextInt(8)));
      }
    }
    return out.toString();
  }

  private static String randomUnicode(SplittableRandom random, int length) {
    StringBuilder out = new StringBuilder();
    while (out.length() < length) {
      int r = random.nextInt(10);
      int cp =
          r < 3
              ? random.nextInt(0x80)
              : r < 6
                  ? random.nextInt(0x3000)
                  : r < 8 ? random.nextInt(0x10000) : random.nextInt(0x110000);
      if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
        continue; // lone surrogates are not text; JSON parsers reject or replace them
      }
      out.appendCodePoint(cp);
    }
    return out.toString();
  }
}
