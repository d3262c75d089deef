package dev.tokentally.topology;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokentally.metrics.LabelValues;
import dev.tokentally.testing.PrometheusText;
import dev.tokentally.testing.PrometheusText.Sample;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The request meters, driven through the production topology: their totals agree with what was
 * written to the output topics, the scrape is valid exposition format, and function names from
 * headers cannot grow the label values past the configured bound.
 */
class RequestMetricsTest {
  private static final String CLAUDE =
      "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello %d\"}]}";
  private static final int MAX_NAMES = 5;
  private static final int MAX_CHARS = 16;

  @Test
  void metersAgreeWithTheOutputsAndKeepNameLabelsBounded() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Instant t = Instant.parse("2026-11-22T10:00:00Z");
    long acceptedTokens = 0;
    int deadLetters = 0;
    try (TopologyHarness h =
        new TopologyHarness(
            Map.of(
                "TOKENTALLY_LIMITS_REQUEST_MAX_TOKENS",
                "1000",
                "TOKENTALLY_METRICS_NAMES_ALLOW",
                "vip",
                "TOKENTALLY_METRICS_NAMES_MAX",
                String.valueOf(MAX_NAMES),
                "TOKENTALLY_METRICS_LABEL_MAX_CHARS",
                String.valueOf(MAX_CHARS)),
            registry)) {
      for (int i = 0; i < 200; i++) {
        h.pipe("k" + i, CLAUDE.formatted(i), t, "X-Opper-Name", "generated-" + i);
      }
      h.pipe("vip", CLAUDE.formatted(1), t, "X-Opper-Name", "vip");
      h.pipe("unnamed", CLAUDE.formatted(2), t);
      h.pipe("bad", "{not json", t, "X-Opper-Name", "generated-0");
      h.pipe("unknown", CLAUDE.formatted(3).replace("claude-sonnet-4-5", "claude-invented-9"), t);
      h.pipe("capped", CLAUDE.formatted(4).replace("Hello", "word ".repeat(2000)), t);
      while (!h.noEnriched()) {
        acceptedTokens += h.enriched().get("input_tokens").asLong();
      }
      while (!h.noDeadLetters()) {
        JsonNode dead = h.deadLetter();
        assertThat(dead.at("/error/code").asText())
            .isIn("invalid_json", "unknown_model", "request_token_limit_exceeded");
        deadLetters++;
      }
    }
    String scrape = registry.scrape();
    List<Sample> samples = PrometheusText.parse(scrape);

    assertThat(sum(samples, "tokentally_input_tokens_total", s -> is(s, "outcome", "accepted")))
        .isEqualTo(acceptedTokens);
    assertThat(sum(samples, "tokentally_requests_total", s -> is(s, "outcome", "accepted")))
        .isEqualTo(202);
    assertThat(sum(samples, "tokentally_deadletter_records_total", s -> true))
        .isEqualTo(deadLetters)
        .isEqualTo(3);
    assertThat(sum(samples, "tokentally_requests_total", s -> is(s, "code", "unknown_model")))
        .isEqualTo(1);
    assertThat(
            sum(
                samples,
                "tokentally_input_tokens_total",
                s -> is(s, "outcome", "rejected") && is(s, "model", "claude-sonnet-4-5")))
        .as("a capped request was counted before it was refused")
        .isGreaterThan(1000);
    assertThat(
            sum(samples, "tokentally_count_duration_seconds_count", s -> is(s, "source", "stream")))
        .isEqualTo(205);

    Set<String> names =
        samples.stream()
            .filter(s -> s.name().startsWith("tokentally_function_"))
            .map(s -> s.labels().get("name"))
            .collect(Collectors.toSet());
    assertThat(names)
        .contains("vip", "(unnamed)", LabelValues.OTHER)
        .hasSize(1 + MAX_NAMES + 2)
        .allSatisfy(n -> assertThat(n.length()).isLessThanOrEqualTo(MAX_CHARS));
    assertThat(
            sum(
                samples,
                "tokentally_function_requests_total",
                s -> is(s, "name", LabelValues.OTHER)))
        .as("every name past the bound is still counted, as other")
        .isEqualTo(200 - MAX_NAMES);
    assertThat(samples.stream().map(s -> s.labels().get("model")).filter(m -> m != null))
        .doesNotContain("claude-invented-9");

    String promtool = PrometheusText.promtoolCheck(scrape);
    assertThat(promtool).startsWith("0\n");
  }

  private static boolean is(Sample s, String label, String value) {
    return value.equals(s.labels().get(label));
  }

  private static long sum(List<Sample> samples, String name, Predicate<Sample> where) {
    return Math.round(
        samples.stream()
            .filter(s -> s.name().equals(name) && where.test(s))
            .mapToDouble(Sample::value)
            .sum());
  }
}
