package dev.tokentally.counting;

/**
 * The vocabularies shipped in the jar, each loaded once on first use: a vocabulary takes a few
 * hundred milliseconds and tens of megabytes, so every counter in the process shares one.
 */
public final class Tokenizers {
  private Tokenizers() {}

  public static ClaudeTokenizer claude() {
    return ClaudeHolder.INSTANCE;
  }

  /** Gemma 3's 262k vocabulary, which Gemini 2.x and 3.x count with. */
  public static SentencePieceTokenizer gemma3() {
    return Gemma3Holder.INSTANCE;
  }

  /** The 256k Gemma 1 vocabulary, which Gemini 1.x counts with. */
  public static SentencePieceTokenizer gemini1() {
    return Gemini1Holder.INSTANCE;
  }

  private static final class ClaudeHolder {
    static final ClaudeTokenizer INSTANCE = ClaudeTokenizer.load();
  }

  private static final class Gemma3Holder {
    static final SentencePieceTokenizer INSTANCE =
        SentencePieceTokenizer.load("/vocab/gemma/gemma3.bpe.gz");
  }

  private static final class Gemini1Holder {
    static final SentencePieceTokenizer INSTANCE =
        SentencePieceTokenizer.load("/vocab/gemma/gemini1.bpe.gz");
  }
}
