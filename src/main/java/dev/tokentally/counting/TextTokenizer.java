package dev.tokentally.counting;

/** Counts the tokens of plain text in one vendor vocabulary. Implementations are thread-safe. */
public interface TextTokenizer {
  int count(String text);
}
