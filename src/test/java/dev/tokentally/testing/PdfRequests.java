package dev.tokentally.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** The PDF requests of issue 27, which once stopped the app, for every path that counts. */
public final class PdfRequests {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private PdfRequests() {}

  /** One page whose content stream shows one literal string of {@code n} copies of {@code c}. */
  public static byte[] longString(char c, int n, boolean flate) {
    return MinimalPdf.onePage(
        ("BT /F1 12 Tf 72 712 Td (" + String.valueOf(c).repeat(n) + ") Tj ET")
            .getBytes(StandardCharsets.ISO_8859_1),
        flate);
  }

  /** The 9 KB request: one Flate-compressed page holding a 2 MB string. */
  public static byte[] poisonPill() {
    return longString('a', 2_000_000, true);
  }

  /** An Anthropic Messages body carrying {@code pdf} as a base64 document, then a question. */
  public static byte[] anthropicDocument(byte[] pdf) {
    ObjectNode body = MAPPER.createObjectNode().put("model", "claude-sonnet-4-5");
    body.put("max_tokens", 16);
    var content = body.putArray("messages").addObject().put("role", "user").putArray("content");
    content
        .addObject()
        .put("type", "document")
        .putObject("source")
        .put("type", "base64")
        .put("media_type", "application/pdf")
        .put("data", Base64.getEncoder().encodeToString(pdf));
    content.addObject().put("type", "text").put("text", "Summarise this.");
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }
}
