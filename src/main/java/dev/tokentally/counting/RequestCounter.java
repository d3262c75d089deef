package dev.tokentally.counting;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokentally.request.Api;
import dev.tokentally.request.LlmRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Counts the input tokens of a parsed request the way its vendor does.
 *
 * <p>This is the walking skeleton: text content of Anthropic requests is counted with Claude's
 * vocabulary plus the per-request envelope; Gemini text is estimated from its length until the
 * Gemma vocabulary lands. A request with content the skeleton cannot read (images, documents, tool
 * blocks) is labelled {@link CountMethod#HEURISTIC}, never passed off as exact.
 */
public final class RequestCounter {
  /**
   * Tokens Anthropic adds around a single-turn request: the published basic example is 14 = "You
   * are a scientist" (4) + "Hello, Claude" (3) + 7.
   */
  static final int ANTHROPIC_REQUEST_ENVELOPE = 7;

  private final TextTokenizer claude;

  public RequestCounter(TextTokenizer claude) {
    this.claude = claude;
  }

  public TokenCount count(LlmRequest request) {
    return request.api() == Api.ANTHROPIC_MESSAGES
        ? countAnthropic(request.body())
        : countGemini(request.body());
  }

  private TokenCount countAnthropic(JsonNode body) {
    TextTally system = new TextTally(claude::count);
    system.add(body.get("system"));
    TextTally messages = new TextTally(claude::count);
    for (JsonNode message : body.get("messages")) {
      messages.add(message.get("content"));
    }
    Map<String, Integer> breakdown = new LinkedHashMap<>();
    breakdown.put("system", system.tokens());
    breakdown.put("messages", messages.tokens());
    breakdown.put("overhead", ANTHROPIC_REQUEST_ENVELOPE);
    int total = system.tokens() + messages.tokens() + ANTHROPIC_REQUEST_ENVELOPE;
    boolean complete = system.unread() == 0 && messages.unread() == 0;
    return new TokenCount(
        total, complete ? CountMethod.TOKENIZER : CountMethod.HEURISTIC, breakdown);
  }

  private static TokenCount countGemini(JsonNode body) {
    JsonNode inner = body.has("generateContentRequest") ? body.get("generateContentRequest") : body;
    TextTally system = new TextTally(RequestCounter::charsOverFour);
    JsonNode instruction = inner.get("systemInstruction");
    if (instruction != null) {
      system.add(instruction.get("parts"));
    }
    TextTally contents = new TextTally(RequestCounter::charsOverFour);
    for (JsonNode content : inner.get("contents")) {
      contents.add(content.get("parts"));
    }
    Map<String, Integer> breakdown = new LinkedHashMap<>();
    breakdown.put("system", system.tokens());
    breakdown.put("messages", contents.tokens());
    return new TokenCount(system.tokens() + contents.tokens(), CountMethod.HEURISTIC, breakdown);
  }

  private static int charsOverFour(String text) {
    return (text.codePointCount(0, text.length()) + 3) / 4;
  }

  /** Sums the tokens of strings, text blocks and text parts; counts the pieces it cannot read. */
  private static final class TextTally {
    private final ToIntFunction<String> tokenizer;
    private int tokens;
    private int unread;

    TextTally(ToIntFunction<String> tokenizer) {
      this.tokenizer = tokenizer;
    }

    void add(JsonNode node) {
      if (node == null || node.isNull()) {
        return;
      }
      if (node.isTextual()) {
        tokens += tokenizer.applyAsInt(node.asText());
      } else if (node.isArray()) {
        for (JsonNode part : node) {
          JsonNode text = part.get("text");
          if (text != null && text.isTextual()) {
            tokens += tokenizer.applyAsInt(text.asText());
          } else {
            unread++;
          }
        }
      } else {
        unread++;
      }
    }

    int tokens() {
      return tokens;
    }

    int unread() {
      return unread;
    }
  }
}
