package dev.tokentally.request;

/** The vendor endpoint a request was (or would be) sent to; written to enriched records. */
public enum Endpoint {
  MESSAGES(Api.ANTHROPIC_MESSAGES, "messages"),
  MESSAGES_COUNT_TOKENS(Api.ANTHROPIC_MESSAGES, "messages.count_tokens"),
  GENERATE_CONTENT(Api.GEMINI_GENERATE_CONTENT, "generateContent"),
  STREAM_GENERATE_CONTENT(Api.GEMINI_GENERATE_CONTENT, "streamGenerateContent"),
  COUNT_TOKENS(Api.GEMINI_GENERATE_CONTENT, "countTokens"),
  INTERACTIONS(Api.GEMINI_GENERATE_CONTENT, "interactions");

  private final Api api;
  private final String id;

  Endpoint(Api api, String id) {
    this.api = api;
    this.id = id;
  }

  public Api api() {
    return api;
  }

  /** The vendor's token-counting endpoint, which answers with a count instead of a completion. */
  public boolean countsTokens() {
    return this == MESSAGES_COUNT_TOKENS || this == COUNT_TOKENS;
  }

  /** Stable identifier written to the {@code endpoint} field. */
  public String id() {
    return id;
  }
}
