package dev.tokentally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Set;

/** The committed JSON Schemas in {@code topology/schemas}, to check real output against. */
public enum RecordSchemas {
  ENRICHED("enriched"),
  DEAD_LETTER("dead-letter"),
  USAGE("usage"),
  USAGE_KEY("usage-key"),
  RECONCILED("reconciled"),
  CALIBRATION("calibration");

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String BASE = "https://tokentally.dev/schemas/";

  private final String file;
  private JsonSchema schema;

  RecordSchemas(String file) {
    this.file = file;
  }

  private synchronized JsonSchema schema() {
    if (schema == null) {
      String dir = Path.of("topology", "schemas").toAbsolutePath().toUri().toString();
      JsonSchemaFactory factory =
          JsonSchemaFactory.getInstance(
              SpecVersion.VersionFlag.V202012,
              builder -> builder.schemaMappers(m -> m.mapPrefix(BASE, dir)));
      SchemaValidatorsConfig config =
          SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
      schema = factory.getSchema(SchemaLocation.of(BASE + file + ".schema.json"), config);
    }
    return schema;
  }

  /** Parses the value and fails the test with every violation when it does not match. */
  public JsonNode assertValid(byte[] value) {
    try {
      JsonNode node = MAPPER.readTree(value);
      Set<ValidationMessage> errors = schema().validate(node);
      assertThat(errors).as("%s record %s", file, node).isEmpty();
      return node;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
