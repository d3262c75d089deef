package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.errors.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Error codes have one home, {@code topology/README.md}'s table, which says where each code appears
 * and, for HTTP answers, its status; the dead-letter schema allows exactly the codes a dead letter
 * can carry.
 */
class ErrorCodesDocumentedTest {

  @Test
  void everyErrorCodeHasARowSayingWhereItAppears() throws IOException {
    String contract = Files.readString(Path.of("topology/README.md"), StandardCharsets.UTF_8);
    for (ErrorCode code : ErrorCode.values()) {
      String row =
          contract
              .lines()
              .filter(l -> l.startsWith("| `" + code.code() + "` |"))
              .findFirst()
              .orElseThrow(() -> new AssertionError(code.code() + " has no row"));
      if (row.contains("HTTP")) {
        assertThat(row).as(code.code()).contains("HTTP " + code.httpStatus());
      }
      assertThat(row.contains("dead letter")).as(code.code()).isEqualTo(code.deadLetter());
    }
  }

  @Test
  void theDeadLetterSchemaAllowsExactlyTheDeadLetterCodes() throws IOException {
    JsonNode schema =
        new ObjectMapper().readTree(Path.of("topology/schemas/dead-letter.schema.json").toFile());
    List<String> allowed = new ArrayList<>();
    schema.at("/properties/error/properties/code/enum").forEach(c -> allowed.add(c.asText()));

    assertThat(allowed)
        .containsExactlyInAnyOrderElementsOf(
            Arrays.stream(ErrorCode.values())
                .filter(ErrorCode::deadLetter)
                .map(ErrorCode::code)
                .toList());
  }
}
