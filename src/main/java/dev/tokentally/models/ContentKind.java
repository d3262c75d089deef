package dev.tokentally.models;

import java.util.Locale;

/**
 * What a request holds, for the error bar of its count: counts err differently on prose, on tool
 * definitions and history, and on media, so each family states its error per kind.
 */
public enum ContentKind {
  /** Only text: messages, system prompts, thinking. */
  TEXT,
  /** Tool or function definitions, or tool calls and results in the history; no media. */
  TOOLS,
  /** Images. */
  IMAGES,
  /** PDFs, documents, search results, audio or video. */
  DOCUMENTS;

  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ContentKind ofKey(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }
}
