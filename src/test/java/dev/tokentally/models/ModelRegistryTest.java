package dev.tokentally.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelRegistryTest {

  @Test
  void aUserModelJoinsTheShippedOnesAndUnderscoreFieldsAreComments(@TempDir Path dir)
      throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("models.json"),
            """
            {"_comment": "ours",
             "models": [{"id": "acme-claude", "family": "claude-4", "_why": "a test",
                         "context_window": 1000, "max_output": 100,
                         "tool_prompt": {"auto": 1, "any": 2}, "prices": []}]}
            """);

    ModelRegistry registry = ModelRegistry.load(file, Map.of());

    assertThat(registry.find("acme-claude"))
        .hasValueSatisfying(
            m -> {
              assertThat(m.vendor()).isEqualTo("anthropic");
              assertThat(m.contextWindow()).isEqualTo(1000);
              assertThat(m.toolPrompt()).isEqualTo(new ModelSpec.ToolPrompt(1, 2));
            });
    assertThat(registry.find("claude-sonnet-4-5")).isPresent();
  }

  @Test
  void aMisspelledFieldInAUserFileFailsAtStart(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("models.json"),
            """
            {"models": [{"id": "acme-claude", "family": "claude-4", "context_windw": 1000,
                         "max_output": 100}]}
            """);

    assertThatThrownBy(() -> ModelRegistry.load(file, Map.of()))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("context_windw");
  }

  @Test
  void aMissingRequiredFieldIsNamed(@TempDir Path dir) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("models.json"),
            """
            {"models": [{"id": "acme-claude", "family": "claude-4", "max_output": 100}]}
            """);

    assertThatThrownBy(() -> ModelRegistry.load(file, Map.of()))
        .hasMessageContaining("acme-claude")
        .hasMessageContaining("context_window");
  }
}
