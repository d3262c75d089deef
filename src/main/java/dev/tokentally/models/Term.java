package dev.tokentally.models;

import java.util.Locale;

/**
 * A quantity a request's count is built from. A family's count is {@code sum(coefficient x
 * quantity)} over these, plus what is known exactly (image patches, fixed media tokens, the hidden
 * tool prompt). Coefficients live in the registry per family; the accuracy test refits them on part
 * of the recorded corpus and judges them on the rest.
 */
public enum Term {
  /** Vocabulary tokens of prose: messages, system prompts, documents, thinking. */
  TEXT,
  /** Vocabulary tokens of tool and function definitions: names, descriptions, schemas. */
  TOOL_TEXT,
  /** Vocabulary tokens of JSON in the conversation: tool inputs, call arguments and results. */
  JSON_TEXT,
  /** Vocabulary tokens of a structured-output schema (Anthropic output_format, Gemini response). */
  SCHEMA_TEXT,
  /** Decimal digit characters in any text: newer tokenizers split digits the old one groups. */
  DIGITS,
  /** Runs of consecutive decimal digits in any text. */
  DIGIT_RUNS,
  /** Characters outside ASCII in any text (accents, CJK, emoji, typographic punctuation). */
  NON_ASCII,
  /** Line breaks in any text. */
  NEWLINES,
  /** One per request. */
  REQUEST,
  /** One per message after the first. */
  TURN,
  /** One per custom tool definition. */
  TOOL_DEFINITION,
  /** One per custom tool with {@code strict: true} (constrained decoding of its input). */
  STRICT_TOOL,
  /** One per request whose tool_choice sets {@code disable_parallel_tool_use}. */
  NO_PARALLEL_TOOLS,
  /** One per request whose tool_choice is {@code none}. */
  TOOL_CHOICE_NONE,
  /** One per property in a custom tool's input schema, at any depth. */
  SCHEMA_PROPERTY,
  /** One per tool_use block in the history. */
  TOOL_USE,
  /** One per tool_result block in the history. */
  TOOL_RESULT,
  /** One per image block (its patches are counted exactly). */
  IMAGE,
  /** One per PDF page (its page image is counted exactly). */
  PDF_PAGE,
  /** One per document block. */
  DOCUMENT,
  /** One per document or search result with citations enabled. */
  CITATIONS,
  /** One per search_result block. */
  SEARCH_RESULT,
  /** One per request with extended thinking on ({@code enabled}): it adds a hidden instruction. */
  THINKING_ENABLED,
  /** One per request with adaptive thinking. */
  THINKING_ADAPTIVE,
  /** One per request with a structured-output schema (output_format / output_config). */
  STRUCTURED_OUTPUT,
  /** One per request with an output_config task budget, which adds a hidden instruction. */
  TASK_BUDGET,
  /** One per Anthropic-defined memory tool. */
  MEMORY_TOOL,
  /** One per Anthropic-defined bash tool. */
  BASH_TOOL,
  /** One per Anthropic-defined text editor tool. */
  TEXT_EDITOR_TOOL,
  /** One per Anthropic-defined computer-use tool. */
  COMPUTER_TOOL,
  /** One per Gemini Content that carries a role. */
  ROLE,
  /** One per Gemini Content that mixes media and text parts. */
  MIXED_MEDIA,
  /** One per Gemini function declaration. */
  FUNCTION_DECLARATION,
  /** One per request that declares any Gemini function. */
  TOOLS,
  /** One per Gemini functionCall or functionResponse part. */
  FUNCTION_CALL,
  /** Thousands of characters of thought signatures on Gemini functionCall parts. */
  SIGNATURE_KB;

  /**
   * Whether the term measures text (vocabulary tokens and character classes of any text), the part
   * of the model a live correction scales.
   */
  public boolean isText() {
    return ordinal() <= NEWLINES.ordinal();
  }

  /** The term's name in the registry: {@code json_text}, {@code tool_use}, ... */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Term ofKey(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }
}
