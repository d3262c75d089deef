package dev.tokentally.counting;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Long words and pieces are merged by {@link PairMerger}, not by the tokenizers' usual paths (which
 * need hundreds of megabytes for one 8 MiB word); the counts must not change. Each is checked
 * against the usual path on runs of one, two or a few characters of every kind, with text around
 * them, just over the threshold and a few times it.
 */
class LongPiecesTest {
  private static final String[] ALPHABETS = {
    "a",
    "ab",
    "aab",
    "7",
    "78",
    "!",
    "!?",
    " ",
    "  \t",
    "\u4E2D",
    "\u4E2D\u6587",
    "\uD83D\uDE00",
    "\\",
    "=",
    "-",
    "\u00E9",
    "a\u00E9",
    "\n",
    "\u2581",
    "a b"
  };

  private static List<String> runs() {
    SplittableRandom random = new SplittableRandom(27);
    List<String> runs = new ArrayList<>();
    for (String alphabet : ALPHABETS) {
      int[] codePoints = alphabet.codePoints().toArray();
      for (int length : new int[] {4_096, 4_097, 9_000, 20_000}) {
        for (boolean mixed : new boolean[] {false, true}) {
          StringBuilder run = new StringBuilder(length + 1);
          while (run.length() < length) {
            run.appendCodePoint(
                mixed ? codePoints[random.nextInt(codePoints.length)] : codePoints[0]);
          }
          runs.add(run.toString());
        }
      }
    }
    return runs;
  }

  @Test
  void claudeCountsLongPiecesAsJtokkitDoes() {
    ClaudeTokenizer claude = Tokenizers.claude();
    for (String run : runs()) {
      String text = "Hello world, " + run + " and then 123 more words.";
      assertThat(claude.count(text))
          .as("%d x %s", run.length(), run.substring(0, 4))
          .isEqualTo(claude.countWithJtokkitOnly(Normalizer.normalize(text, Normalizer.Form.NFKC)));
    }
  }

  @Test
  void claudeMergesOnePieceAsJtokkitDoes() {
    assertThat(ClaudeTokenizer.countLongPiece("a".repeat(5000)))
        .isEqualTo(Tokenizers.claude().countWithJtokkitOnly("a".repeat(5000)));
  }

  @Test
  void gemmaCountsLongWordsAsTheHeapDoes() {
    SentencePieceTokenizer gemma = Tokenizers.gemma3();
    for (String run : runs()) {
      String word = "\u2581" + run.replace(' ', '\u2581');
      assertThat(gemma.countWordForTest(word, true))
          .as("%d x %s", run.length(), run.substring(0, 4))
          .isEqualTo(gemma.countWordForTest(word, false));
    }
  }

  @Test
  void onlyTextWithALongRunTakesTheLongPath() {
    assertThat(ClaudeTokenizer.mayHoldLongPiece("x " + "a".repeat(4095))).isTrue();
    assertThat(ClaudeTokenizer.mayHoldLongPiece("x" + " ".repeat(4095))).isTrue();
    assertThat(ClaudeTokenizer.mayHoldLongPiece("word ".repeat(10_000))).isFalse();
    assertThat(ClaudeTokenizer.mayHoldLongPiece("short")).isFalse();
  }
}
