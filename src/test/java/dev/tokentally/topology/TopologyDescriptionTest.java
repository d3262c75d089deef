package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The committed {@code topology/topology.txt} is the contract for operators (internal topic and
 * store names survive upgrades only if they never drift). Regenerate deliberately with {@code
 * ./mvnw test -Dtest=TopologyDescriptionTest -Dtopology.update=true}.
 */
class TopologyDescriptionTest {
  private static final Path COMMITTED = Path.of("topology", "topology.txt");

  @Test
  void matchesTheCommittedDescription() throws IOException {
    String actual = TopologyFixture.topology().describe().toString();
    if (Boolean.getBoolean("topology.update")) {
      Files.writeString(COMMITTED, actual, StandardCharsets.UTF_8);
    }

    assertThat(actual)
        .as("topology changed; review and regenerate %s (see this test's Javadoc)", COMMITTED)
        .isEqualTo(Files.readString(COMMITTED, StandardCharsets.UTF_8));
  }

  @Test
  void namesEveryProcessorExplicitly() {
    String description = TopologyFixture.topology().describe().toString();

    assertThat(description).doesNotContain("KSTREAM-").doesNotContain("KTABLE-");
  }
}
