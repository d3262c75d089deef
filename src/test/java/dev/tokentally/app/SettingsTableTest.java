package dev.tokentally.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * README's settings table is generated from {@link Setting}, the one place each setting is defined.
 * Regenerate it with {@code ./mvnw test -Dtest=SettingsTableTest -Dsettings.update=true}.
 */
class SettingsTableTest {
  private static final Path README = Path.of("README.md");

  @Test
  void readmeSettingsTableIsGeneratedFromTheSettingRows() throws IOException {
    assertGenerated("settings-table", Setting.markdownTable());
  }

  @Test
  void readmeKafkaDefaultsTableIsGeneratedFromItsRows() throws IOException {
    assertGenerated("kafka-defaults", KafkaDefault.markdownTable());
  }

  @Test
  void everyDerivedKafkaSettingIsSetByTheStreamsProperties() {
    var props = StreamsProperties.of(ConfigLoader.load(null, Map.of()), "unused:9092");
    for (KafkaDefault d : KafkaDefault.values()) {
      for (String key : d.keys()) {
        assertThat(props).as(key).containsKey(key);
      }
    }
  }

  private static void assertGenerated(String marker, String generated) throws IOException {
    String begin = "<!-- " + marker + ":begin -->\n";
    String end = "<!-- " + marker + ":end -->";
    String readme = Files.readString(README, StandardCharsets.UTF_8);
    int from = readme.indexOf(begin);
    int to = readme.indexOf(end);
    assertThat(from).as("README has the " + marker + " markers").isNotNegative();
    assertThat(to).isGreaterThan(from);
    if (Boolean.getBoolean("settings.update")) {
      Files.writeString(
          README,
          readme.substring(0, from + begin.length()) + generated + readme.substring(to),
          StandardCharsets.UTF_8);
      return;
    }
    assertThat(readme.substring(from + begin.length(), to))
        .as("README's " + marker + " table; regenerate with -Dsettings.update=true")
        .isEqualTo(generated);
  }

  @Test
  void everyDefaultLoadsAndEveryEnvironmentNameSetsItsKey() {
    AppConfig defaults = ConfigLoader.load(null, Map.of());
    assertThat(defaults.http().port()).isEqualTo(8080);
    assertThat(defaults.requestMaxBytes()).isEqualTo(8 << 20);
    for (Setting s : Setting.values()) {
      assertThat(ConfigLoader.envToKey(s.environmentName())).isEqualTo(s.key());
    }
  }
}
