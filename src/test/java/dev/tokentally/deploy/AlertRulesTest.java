package dev.tokentally.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tokentally.testing.PrometheusText;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The shipped alert rules, checked and unit-tested by Prometheus's own {@code promtool} on
 * synthetic series: each alert fires where it should, with its labels and text, and stays quiet
 * just short of it.
 */
class AlertRulesTest {
  private static final Path RULES = Path.of("helm/tokentally/files/tokentally-alerts.yml");
  private static final Path TESTS = Path.of("helm/tokentally/files/tokentally-alerts.test.yml");

  @Test
  void promtoolAcceptsTheRules() throws Exception {
    String out = PrometheusText.promtool("check", "rules", RULES.toString());
    assertThat(out).startsWith("0\n").contains("SUCCESS: 5 rules found");
  }

  @Test
  void everyAlertFiresOnItsSyntheticSeriesAndNotShortOfThem() throws Exception {
    String out = PrometheusText.promtool("test", "rules", TESTS.toString());
    assertThat(out).startsWith("0\n").contains("SUCCESS");
  }
}
