package dev.tokentally.counting;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tokens a Hugging Face tokenizer matches on the raw text before anything else (control tokens,
 * HTML tags, runs of newlines and tabs). At any position the longest one wins, which is what HF's
 * leftmost-longest automaton does when the text is scanned from the left.
 */
final class AddedTokens {
  private final Node root = new Node();
  private final BitSet firstChars = new BitSet(Character.MAX_VALUE + 1);

  AddedTokens(List<String> tokens) {
    for (String token : tokens) {
      if (token.isEmpty()) {
        continue;
      }
      Node node = root;
      for (int i = 0; i < token.length(); i++) {
        node = node.children.computeIfAbsent(token.charAt(i), c -> new Node());
      }
      node.terminal = true;
      firstChars.set(token.charAt(0));
    }
  }

  boolean mayStart(char c) {
    return firstChars.get(c);
  }

  /** Length of the longest added token starting at {@code from}, or 0. */
  int longestMatch(String text, int from) {
    Node node = root;
    int longest = 0;
    for (int i = from; i < text.length(); i++) {
      node = node.children.get(text.charAt(i));
      if (node == null) {
        break;
      }
      if (node.terminal) {
        longest = i - from + 1;
      }
    }
    return longest;
  }

  private static final class Node {
    private final Map<Character, Node> children = new HashMap<>(4);
    private boolean terminal;
  }
}
