package dev.tokentally.counting;

/** Counts text in one named vocabulary, through the shared block-count cache. */
final class TextCounter {
  private final TextTokenizer tokenizer;
  private final int id;
  private final BlockCountCache cache;

  TextCounter(TextTokenizer tokenizer, int id, BlockCountCache cache) {
    this.tokenizer = tokenizer;
    this.id = id;
    this.cache = cache;
  }

  int count(String text) {
    return text == null || text.isEmpty() ? 0 : cache.count(tokenizer, id, text);
  }
}
