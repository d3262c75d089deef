package dev.tokentally.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tokentally.config.ConfigException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The keys file, the key a request presents, and the token bucket, without a server. */
class KeysFileTest {
  @Test
  void readsBackTheLineMadeForANewKeyAndMatchesOnlyThatKey() {
    String key = Secrets.newKey();
    String line = KeysFile.line(key, EnumSet.of(Scope.USAGE), List.of("team-a/"), "team-a");

    KeyRing ring = KeyRing.of(KeysFile.parse("# team A\n\n" + line + "\n"));

    ApiKey found = ring.match(key).orElseThrow();
    assertThat(found.label()).isEqualTo("team-a");
    assertThat(found.scopes()).containsExactly(Scope.USAGE);
    assertThat(found.sees("team-a/summarise")).isTrue();
    assertThat(found.sees("team-b/summarise")).isFalse();
    assertThat(found.seesAllNames()).isFalse();
    assertThat(line).doesNotContain(key);
    assertThat(ring.match(key.substring(0, key.length() - 1))).isEmpty();
    assertThat(ring.match(key + "x")).isEmpty();
  }

  @Test
  void refusesMalformedLinesByLineNumberWithoutQuotingThem() {
    String hash = "sha256:" + "ab".repeat(32);
    assertThatThrownBy(() -> KeysFile.parse("\n" + hash + " scopes=count,admin"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("line 2")
        .hasMessageContaining("unknown scope 'admin'")
        .hasMessageNotContaining("abab");
    assertThatThrownBy(() -> KeysFile.parse("sha256:abcd scopes=count"))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(() -> KeysFile.parse(hash)).hasMessageContaining("scopes= is required");
    assertThatThrownBy(() -> KeysFile.parse(hash + " scopes=count\n" + hash + " scopes=usage"))
        .hasMessageContaining("line 2: the same key twice");
    assertThatThrownBy(() -> KeysFile.parse(hash + " scopes=count names=a/,,b/"))
        .hasMessageContaining("non-empty prefixes");
  }

  @Test
  void takesTheKeyFromWhereverItsClientSendsItAndRefusesTwoDifferentOnes() throws Exception {
    List<String> none = List.of();
    assertThat(PresentedKey.of(List.of("k1"), none, none, none)).contains("k1");
    assertThat(PresentedKey.of(none, List.of("k1"), none, none)).contains("k1");
    assertThat(PresentedKey.of(none, none, List.of("k1"), none)).contains("k1");
    assertThat(PresentedKey.of(none, none, none, List.of("Bearer k1"))).contains("k1");
    assertThat(PresentedKey.of(none, none, none, List.of("bearer k1"))).contains("k1");
    assertThat(PresentedKey.of(List.of("k1"), List.of("k1"), none, none)).contains("k1");
    assertThat(PresentedKey.of(none, none, none, none)).isEmpty();

    for (List<List<String>> refused :
        List.of(
            List.of(List.of("k1"), none, none, List.of("Bearer k2")),
            List.of(List.of("k1", "k2"), none, none, none),
            List.of(none, none, none, List.of("Basic azE6")),
            List.of(List.of("k\u00011"), none, none, none),
            List.of(List.of(""), none, none, none),
            List.of(List.of("k".repeat(257)), none, none, none))) {
      assertThatThrownBy(
              () -> PresentedKey.of(refused.get(0), refused.get(1), refused.get(2), refused.get(3)))
          .isInstanceOf(PresentedKey.Refused.class);
    }
  }

  @Test
  void letsABurstThroughThenOneRequestPerIntervalWithTheSecondsToWait() {
    long[] now = {0};
    RateLimiter limiter = new RateLimiter(2, 3, () -> now[0]);
    ApiKey a = new ApiKey("a", new byte[32], Set.of(Scope.COUNT), List.of());
    ApiKey b = new ApiKey("b", new byte[32], Set.of(Scope.COUNT), List.of());

    assertThat(List.of(limiter.acquire(a), limiter.acquire(a), limiter.acquire(a)))
        .containsOnly(0L);
    assertThat(limiter.acquire(a)).isEqualTo(1);
    assertThat(limiter.acquire(b)).as("buckets are per key").isZero();
    now[0] += 500_000_000L;
    assertThat(limiter.acquire(a)).as("half a second refills one at 2/s").isZero();
    assertThat(limiter.acquire(a)).isEqualTo(1);
    assertThat(new RateLimiter(0, 1, () -> 0).acquire(a)).as("0 turns it off").isZero();
  }
}
