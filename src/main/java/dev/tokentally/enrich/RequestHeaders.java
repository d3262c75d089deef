package dev.tokentally.enrich;

import dev.tokentally.config.Secrets;
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
