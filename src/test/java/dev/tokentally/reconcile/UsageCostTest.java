package dev.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.tokentally.models.ModelRegistry;
import dev.tokentally.models.ModelSpec;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Costs that peers got wrong, with the amounts the vendors billed (the research note's worked
 * vectors): each token priced once, in its own bucket, at its own rate.
 */
class UsageCostTest {
  private static final LocalDate DAY = LocalDate.parse("2026-01-15");

  private static ModelSpec.Price price(
      double in, Double out, Double read, Double write5m, Double write1h) {
    return new ModelSpec.Price(
        DAY, new ModelSpec.Rates(in, out, read, write5m, write1h), null, null, null, Map.of());
  }

  private static ActualUsage usage(
      long uncached, long read, long write5m, long write1h, long toolUse, long output) {
    return new ActualUsage(
        "anthropic",
        null,
        null,
        uncached,
        read,
        write5m,
        write1h,
        toolUse,
        output,
        null,
        Map.of(),
        null,
        null,
        true,
        List.of());
  }

  private static ActualUsage read(String response) {
    return ((ResponseOutcome.Billed) ResponseReader.read(response.getBytes(StandardCharsets.UTF_8)))
        .usage();
  }

  @Test
  void pricesCacheWritesOnceAtTheirOwnRate() {
    // BerriAI/litellm #9812: Claude 3.7 Sonnet; the console showed $0.05439, LiteLLM $0.091311.
    Cost litellm =
        UsageCost.of(usage(3, 0, 12304, 0, 0, 550), price(3, 15.0, 0.3, 3.75, 6.0), false);
    assertThat(litellm.usd()).isCloseTo(0.054399, within(1e-9));
    assertThat(litellm.byBucket()).containsOnlyKeys("input", "cache_write_5m", "output");
    // maximhq/bifrost #3451: Opus 4.7 streamed; $1.06376125, not $1.85984625.
    Cost bifrost =
        UsageCost.of(usage(6, 0, 159217, 0, 0, 2745), price(5, 25.0, 0.5, 6.25, 10.0), false);
    assertThat(bifrost.usd()).isCloseTo(1.06376125, within(1e-9));
    // Bug 12: 1-hour writes at the 1-hour rate (2x base for Sonnet), not the 5-minute one.
    Cost hour = UsageCost.of(usage(0, 0, 0, 4803, 0, 0), price(3, 15.0, 0.3, 3.75, 6.0), false);
    assertThat(hour.usd()).isCloseTo(4803 * 6.0 / 1e6, within(1e-12));
  }

  @Test
  void givesAStreamAndAMessageWithTheSameUsageTheSameCost() {
    // BerriAI/litellm #11789 (bug 8): Haiku 3.5 rates; streaming billed cache reads as input.
    ModelSpec.Price haiku35 = price(0.8, 4.0, 0.08, 1.0, 1.6);
    ActualUsage message =
        read(
            """
            {"type":"message","usage":{"input_tokens":4,"cache_read_input_tokens":2455,"output_tokens":23}}""");
    ActualUsage stream =
        read(
            """
            data: {"type":"message_start","message":{"usage":{"input_tokens":4,"cache_read_input_tokens":2455,"output_tokens":1}}}
            data: {"type":"message_delta","usage":{"output_tokens":23}}
            """);
    Cost fromMessage = UsageCost.of(message, haiku35, false);
    assertThat(fromMessage.usd()).isCloseTo(0.0002916, within(1e-10));
    assertThat(UsageCost.of(stream, haiku35, false).usd()).isEqualTo(fromMessage.usd());
  }

  @Test
  void pricesGeminiCacheAndThinkingAndTheLongContextTierFromTheShippedRegistry() {
    ModelRegistry registry = ModelRegistry.builtIn();
    ModelSpec.Price flash =
        registry.find("gemini-2.5-flash").orElseThrow().priceOn(DAY).orElseThrow();
    // The research note's worked vector from js-genai's implicit-cache recording: $0.00069819.
    ActualUsage implicit =
        read(
            """
            {"candidates":[{"finishReason":"STOP"}],"usageMetadata":{"cachedContentTokenCount":3,"candidatesTokenCount":238,"promptTokenCount":5,"thoughtsTokenCount":41,"totalTokenCount":284}}""");
    assertThat(UsageCost.of(implicit, flash, false).usd()).isCloseTo(0.00069819, within(1e-12));
    // BerriAI/litellm #14849 (bug 14): 2.5 Pro above 200k; $0.10316, LiteLLM logged $0.7642.
    ModelSpec.Price pro = registry.find("gemini-2.5-pro").orElseThrow().priceOn(DAY).orElseThrow();
    ActualUsage big =
        read(
            """
            {"candidates":[{"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":262960,"cachedContentTokenCount":257955,"candidatesTokenCount":1744,"totalTokenCount":264704}}""");
    assertThat(UsageCost.of(big, pro, false).usd()).isCloseTo(0.10316125, within(1e-9));
    // Tool-use prompt tokens at the input rate.
    Cost tools = UsageCost.of(usage(0, 0, 0, 0, 1_000_000, 0), flash, false);
    assertThat(tools.usd()).isCloseTo(0.30, within(1e-12));
  }

  @Test
  void pricesServerToolsAndBatchesFromTheShippedRegistry() {
    ModelRegistry registry = ModelRegistry.builtIn();
    ModelSpec.Price sonnet =
        registry.find("claude-sonnet-4-5").orElseThrow().priceOn(DAY).orElseThrow();
    // The pricing page's web-search block: $10 per 1,000 searches on top of the tokens.
    ActualUsage search =
        read(
            """
            {"type":"message","usage":{"input_tokens":105,"output_tokens":6039,"cache_read_input_tokens":7123,"cache_creation_input_tokens":7345,"server_tool_use":{"web_search_requests":1}}}""");
    Cost cost = UsageCost.of(search, sonnet, false);
    double tokens = (105 * 3 + 6039 * 15 + 7123 * 0.3 + 7345 * 3.75) / 1e6;
    assertThat(cost.usd()).isCloseTo(tokens + 0.01, within(1e-12));
    assertThat(cost.byBucket()).containsEntry("web_search_requests", 0.01);
    // The batch documentation's result line, at the batch rates.
    ResponseOutcome.Billed batch =
        (ResponseOutcome.Billed)
            ResponseReader.read(
                """
                {"custom_id":"a","result":{"type":"succeeded","message":{"type":"message","usage":{"input_tokens":11,"output_tokens":36}}}}"""
                    .getBytes(StandardCharsets.UTF_8));
    assertThat(UsageCost.of(batch.usage(), sonnet, batch.batch()).usd())
        .isCloseTo((11 * 1.5 + 36 * 7.5) / 1e6, within(1e-12));
  }

  @Test
  void pricesAResponseByTheModelItNamesOnItsDayAndNeverAVariantAsItsBase() {
    ModelRegistry registry = ModelRegistry.builtIn();
    ActualUsage dated =
        read(
            """
            {"type":"message","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":1000000,"output_tokens":0}}""");
    assertThat(UsageCost.of(dated, null, registry, DAY, false).usd()).isCloseTo(3.0, within(1e-9));
    assertThat(UsageCost.of(dated, null, registry, LocalDate.parse("2025-01-01"), false).reason())
        .as("before the model's first price")
        .contains("no price");
    ActualUsage unnamed =
        read(
            "{\"candidates\":[{\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":1000000}}");
    assertThat(UsageCost.of(unnamed, "gemini-2.5-flash", registry, DAY, false).usd())
        .as("the request's model when the response names none")
        .isCloseTo(0.30, within(1e-9));
    ActualUsage preview =
        read(
            """
            {"candidates":[{"finishReason":"STOP"}],"modelVersion":"gemini-2.5-flash-preview-99-2099","usageMetadata":{"promptTokenCount":10}}""");
    assertThat(UsageCost.of(preview, null, registry, DAY, false).reason()).contains("variant");
    assertThat(UsageCost.of(unnamed, null, registry, DAY, false).reason())
        .contains("names a model");
    assertThat(UsageCost.of(unnamed, "gpt-9", registry, DAY, false).reason())
        .contains("not in the registry");
  }

  @Test
  void leavesTheCostUnknownWithAReasonRatherThanZero() {
    Cost noPrice = UsageCost.of(usage(10, 0, 0, 0, 0, 5), null, false);
    assertThat(noPrice.usd()).isNull();
    assertThat(noPrice.reason()).contains("no price");
    Cost noCacheRate =
        UsageCost.of(usage(10, 7, 0, 0, 0, 5), price(3, 15.0, null, 3.75, 6.0), false);
    assertThat(noCacheRate.usd()).isNull();
    assertThat(noCacheRate.reason()).contains("cache_read");
    ActualUsage unknownTool =
        new ActualUsage(
            "anthropic",
            null,
            null,
            10,
            0,
            0,
            0,
            0,
            5,
            null,
            Map.of("tool_search_requests", 2L),
            null,
            null,
            true,
            List.of());
    assertThat(UsageCost.of(unknownTool, price(3, 15.0, 0.3, 3.75, 6.0), false).reason())
        .contains("tool_search_requests");
    assertThat(
            UsageCost.of(usage(10, 0, 0, 0, 0, 5), price(3, 15.0, 0.3, 3.75, 6.0), true).reason())
        .contains("batch");
  }
}
