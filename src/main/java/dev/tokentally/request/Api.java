package dev.tokentally.request;

/** The vendor API a request body belongs to; decides the count's field name and rules. */
public enum Api {
  ANTHROPIC_MESSAGES("anthropic", "anthropic.messages", "input_tokens"),
  GEMINI_GENERATE_CONTENT("gemini", "gemini.generate_content", "totalTokens");

  private final String vendor;
  private final String id;
  private final String countField;

  Api(String vendor, String id, String countField) {
    this.vendor = vendor;
    this.id = id;
    this.countField = countField;
  }

  public String vendor() {
    return vendor;
  }

  /** Stable identifier written to the {@code api} field of enriched records. */
  public String id() {
    return id;
  }

  /** The field the vendor's own count endpoint answers with. */
  public String countField() {
    return countField;
  }
}
