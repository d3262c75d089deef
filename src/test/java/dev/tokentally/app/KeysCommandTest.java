package dev.tokentally.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokentally.access.ApiKey;
import dev.tokentally.access.KeyRing;
import dev.tokentally.access.KeysFile;
import dev.tokentally.access.Scope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code keys new}: the key on the first line, the keys-file line for it on the second. */
class KeysCommandTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return KeysCommand.run(
        List.of(args),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void printsANewKeyAndTheLineThatAdmitsIt() {
    int exit = run("new", "--scopes", "count,usage", "--names", "team-a/,team-b/", "--label", "ab");

    assertThat(exit).isZero();
    List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(2);
    String key = lines.get(0);
    assertThat(key).startsWith("tt_").hasSize(46);
    assertThat(lines.get(1)).startsWith("sha256:").doesNotContain(key);
    ApiKey admitted = KeyRing.of(KeysFile.parse(lines.get(1))).match(key).orElseThrow();
    assertThat(admitted.scopes()).containsExactlyInAnyOrder(Scope.COUNT, Scope.USAGE);
    assertThat(admitted.namePrefixes()).containsExactly("team-a/", "team-b/");
    assertThat(admitted.label()).isEqualTo("ab");

    out.reset();
    run("new", "--scopes", "metrics");
    assertThat(out.toString(StandardCharsets.UTF_8).lines().findFirst().orElseThrow())
        .as("every key is new")
        .isNotEqualTo(key);
  }

  @Test
  void refusesAnUnknownScopeOrNoScopeWithExitCode2() {
    assertThat(run("new", "--scopes", "count,admin")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown scope 'admin'");
    assertThat(run("new")).isEqualTo(2);
    assertThat(run("rotate")).isEqualTo(2);
    assertThat(out.size()).isZero();
  }
}
