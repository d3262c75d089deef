package dev.tokentally.calibration;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.TextCorrection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * The JSON form of a published correction on the calibration topic ({@code
 * topology/schemas/calibration.schema.json}). Readers ignore fields they do not know.
 */
public final class CalibrationJson {
  private static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private CalibrationJson() {}

  public static byte[] correction(TextCorrection c, long timestamp) {
    ObjectNode out = MAPPER.createObjectNode();
    out.put("family", c.family());
    out.put("version", c.version());
    out.put("text_factor", c.factor());
    out.put("error_pct", c.errorPct());
    out.put("pairs", c.pairs());
    out.put("updated_at", Instant.ofEpochMilli(timestamp).toString());
    return write(out);
  }

  /** A published correction, or null for a value that is not one. */
  public static TextCorrection readCorrection(byte[] value) {
    try {
      JsonNode n = MAPPER.readTree(value);
      if (!n.path("family").isTextual()
          || !n.path("version").canConvertToLong()
          || !n.path("text_factor").isNumber()
          || !(n.path("text_factor").asDouble() > 0)) {
        return null;
      }
      return new TextCorrection(
          n.get("family").asText(),
          n.get("version").asLong(),
          n.get("text_factor").asDouble(),
          n.path("error_pct").asDouble(),
          n.path("pairs").asInt());
    } catch (IOException e) {
      return null;
    }
  }

  private static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
