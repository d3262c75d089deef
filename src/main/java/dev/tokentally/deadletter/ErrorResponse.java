package dev.tokentally.deadletter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.credentials.CredentialRedactor;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.Rejection;
import dev.tokentally.request.SourcePosition;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.kafka.common.header.Headers;

/**
 * Builds the dead-letter value: the ErrorResponse {@code {"error":{code,message,details}}} with a
 * {@code meta} object that says where the record came from and keeps its original bytes, as text
 * when they are valid UTF-8 and as {@code payload_base64} otherwise, so nothing is lost.
 */
public final class ErrorResponse {
  /** Header on every dead-letter record, so consumers can filter without parsing the value. */
  public static final String CODE_HEADER = "tokentally-error-code";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ErrorResponse() {}

  /**
   * @param context model, name and span id when known (null values are written as null)
   * @param payload the value to keep, credentials already blanked
   */
  public static byte[] build(
      Rejection rejection, SourcePosition source, RequestContext context, byte[] payload) {
    ObjectNode root = envelope(rejection, source, context);
    putPayload((ObjectNode) root.get("meta"), payload);
    return bytes(root);
  }

  /**
   * For a value too large to keep whole: keeps at most {@code keepBytes} of {@code original}, with
   * credentials blanked in what is kept. When something was cut, {@code meta} also says {@code
   * payload_truncated}, and {@code payload_bytes} and {@code payload_sha256} describe the original
   * as it stands in the source topic at {@code meta.source}, so it can be found and checked there.
   * Only the kept prefix is scanned for credentials; the rest is never read.
   */
  public static byte[] buildTruncated(
      Rejection rejection,
      SourcePosition source,
      RequestContext context,
      byte[] original,
      int keepBytes) {
    ObjectNode root = envelope(rejection, source, context);
    ObjectNode meta = (ObjectNode) root.get("meta");
    if (original != null && original.length > keepBytes) {
      byte[] kept = Arrays.copyOf(original, utf8Boundary(original, keepBytes));
      putPayload(meta, CredentialRedactor.redact(kept));
      meta.put("payload_truncated", true);
      meta.put("payload_bytes", original.length);
      meta.put("payload_sha256", sha256(original));
    } else {
      putPayload(meta, CredentialRedactor.redact(original));
    }
    return bytes(root);
  }

  private static ObjectNode envelope(
      Rejection rejection, SourcePosition source, RequestContext context) {
    ObjectNode root = error(rejection);
    ObjectNode meta = (ObjectNode) root.get("meta");
    source.writeTo(meta);
    meta.put("model", context.model());
    meta.put("name", context.name());
    meta.put("span_id", context.spanId());
    return root;
  }

  /**
   * The bare envelope {@code {"error":{code,message,details},"meta":{}}}, for answers that are not
   * dead letters (the HTTP endpoints' errors); callers add to {@code meta}.
   */
  public static ObjectNode error(Rejection rejection) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", rejection.code().code());
    error.put("message", rejection.message());
    error.set("details", MAPPER.valueToTree(rejection.details()));
    root.putObject("meta");
    return root;
  }

  private static byte[] bytes(ObjectNode root) {
    try {
      return MAPPER.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an ObjectNode", e);
    }
  }

  private static void putPayload(ObjectNode meta, byte[] payload) {
    if (payload == null) {
      meta.putNull("payload");
      return;
    }
    try {
      String text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(payload))
              .toString();
      meta.put("payload", text);
    } catch (CharacterCodingException e) {
      meta.put("payload_base64", Base64.getEncoder().encodeToString(payload));
    }
  }

  /** Sets the code header on a dead letter's headers, replacing one the input may have carried. */
  public static void setCodeHeader(Headers headers, ErrorCode code) {
    headers.remove(CODE_HEADER);
    headers.add(CODE_HEADER, code.code().getBytes(StandardCharsets.UTF_8));
  }

  /** Backs off to the start of a UTF-8 sequence, so a cut text payload stays text. */
  private static int utf8Boundary(byte[] bytes, int cut) {
    int at = cut;
    while (at > 0 && at > cut - 4 && (bytes[at] & 0xC0) == 0x80) {
      at--;
    }
    return at;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** What is known about a request before or without parsing its body. */
  public record RequestContext(String model, String name, String spanId) {
    public static final RequestContext UNKNOWN = new RequestContext(null, null, null);
  }
}
