package dev.tokentally.request;

import dev.tokentally.credentials.Secrets;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Reads the metadata headers gateways attach, and strips credentials before anything is written.
 */
public final class RequestHeaders {
  /** Function name, as Opper's gateway sends it. */
  public static final String NAME = "X-Opper-Name";

  /** Parent span for tracing, as Opper's gateway sends it. */
  public static final String SPAN_ID = "X-Opper-Parent-Span-Id";

  /**
   * The model, for a bare Gemini body: Gemini names it in the URL, not the body, so a gateway that
   * publishes only the body sets this header.
   */
  public static final String MODEL = "X-Tokentally-Model";

  private RequestHeaders() {}

  /** The last value of a header, matched case-insensitively as HTTP does; null when absent. */
  public static String text(Headers headers, String name) {
    String found = null;
    for (Header header : headers) {
      if (header.key().equalsIgnoreCase(name) && header.value() != null) {
        found = new String(header.value(), StandardCharsets.UTF_8);
      }
    }
    return found;
  }

  /** Longest function name kept; names come from untrusted headers and become store keys. */
  public static final int MAX_NAME_CHARS = 256;

  /** The function name of a record, cleaned; null when there is none. */
  public static String name(Headers headers) {
    return cleanName(text(headers, NAME));
  }

  /** A function name as stored: stripped, cleaned, null when blank. */
  public static String cleanName(String name) {
    return name == null || name.isBlank() ? null : clean(name.strip(), MAX_NAME_CHARS);
  }

  /**
   * Control characters become '?' (they separate key parts in stores) and the text is cut at {@code
   * max} characters, so a hostile header cannot grow keys or labels without bound.
   */
  public static String clean(String text, int max) {
    String t = text.length() > max ? text.substring(0, max) : text;
    StringBuilder out = null;
    for (int i = 0; i < t.length(); i++) {
      if (Character.isISOControl(t.charAt(i))) {
        if (out == null) {
          out = new StringBuilder(t);
        }
        out.setCharAt(i, '?');
      }
    }
    return out == null ? t : out.toString();
  }

  /** A copy without credential headers (API keys, authorization, cookies). */
  public static Headers withoutCredentials(Headers headers) {
    RecordHeaders kept = new RecordHeaders();
    for (Header header : headers) {
      if (!Secrets.isCredentialHeader(header.key())) {
        kept.add(header);
      }
    }
    return kept;
  }
}
