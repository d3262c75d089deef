package dev.tokentally.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.tokentally.access.ApiKey;
import dev.tokentally.access.KeysFile;
import dev.tokentally.config.ConfigException;
import dev.tokentally.limits.Budget;
import dev.tokentally.limits.Limits;
import dev.tokentally.models.ModelRegistry;
import dev.tokentally.models.ModelSpec;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.Timeout.ThreadMode;

/**
 * The files an operator writes. Each either loads into something the service can run with, or is
 * refused with the exception start-up (and the keys file's reload) reports as a configuration
 * error; any other exception would stop start-up with a stack trace, or kill the keys reloader.
 */
@Timeout(
    value = FuzzTargets.TIMEOUT_SECONDS,
    unit = TimeUnit.SECONDS,
    threadMode = ThreadMode.SEPARATE_THREAD)
class ConfigFilesFuzzTest {
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  void keysFile(byte[] data) {
    List<ApiKey> keys;
    try {
      keys = KeysFile.parse(new String(data, StandardCharsets.UTF_8));
    } catch (ConfigException refused) {
      return;
    }
    for (ApiKey key : keys) {
      assertThat(key.sha256()).hasSize(32);
      assertThat(key.scopes()).isNotEmpty();
      assertThat(key.label()).matches("[A-Za-z0-9._/-]{1,64}");
    }
  }

  /** Merged over the shipped registry, as {@code tokentally.models.file} is. */
  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  void modelsFile(byte[] data) {
    ModelRegistry registry;
    try {
      registry = ModelRegistry.parse(data, Map.of());
    } catch (UncheckedIOException | IllegalArgumentException refused) {
      // What Cli reports as a configuration error: not JSON of the layout, or a missing field.
      return;
    }
    for (ModelSpec model : registry.models()) {
      assertThat(registry.find(model.id())).as(model.id()).isPresent();
    }
  }

  @FuzzTest(maxDuration = FuzzTargets.MAX_DURATION)
  void limitsFile(byte[] data) {
    Limits limits;
    try {
      limits = Limits.parse(data, null, false);
    } catch (ConfigException refused) {
      return;
    }
    long at = 1_767_225_600_000L;
    for (Budget budget : limits.budgets()) {
      // What gating and settling do with every budget that applies to a record.
      assertThat(budget.windowStart(at)).isLessThanOrEqualTo(at);
      assertThat(budget.stateKey("fuzz")).isNotEmpty();
    }
    limits.exceededCap("claude-sonnet-4-5", null, "fuzz", Long.MAX_VALUE);
    limits.longestBudgetWindow();
  }
}
