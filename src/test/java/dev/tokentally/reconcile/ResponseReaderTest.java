package dev.tokentally.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Responses of every shape, read into disjoint usage buckets. The vectors are the vendors'
 * documented examples and SDK fixtures, and one per usage bug peers shipped (numbered as in the
 * research note's table), each with the answer a correct reader gives.
 */
class ResponseReaderTest {
  private static ActualUsage billed(String response) {
    ResponseOutcome outcome = ResponseReader.read(response.getBytes(StandardCharsets.UTF_8));
    assertThat(outcome).isInstanceOf(ResponseOutcome.Billed.class);
    return ((ResponseOutcome.Billed) outcome).usage();
  }

  private static ResponseOutcome read(String response) {
    return ResponseReader.read(response.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void replacesStreamedAnthropicCountsInsteadOfAddingThem() {
    // Bug 1, the SDK's basic fixture: 11 in, 6 out, not 7.
    ActualUsage basic =
        billed(
            """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK","model":"claude-3-opus-latest","usage":{"input_tokens":11,"output_tokens":1}}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":6}}

            event: message_stop
            data: {"type":"message_stop"}
            """);
    assertThat(basic.uncachedInput()).isEqualTo(11);
    assertThat(basic.output()).isEqualTo(6);
    assertThat(basic.vendorId()).isEqualTo("msg_4QpJur2dWWDjF6C758FbBw5vm12BaVipnK");
    assertThat(basic.complete()).isTrue();

    // Bug 1, the server-tool stream: the final delta restates input; neither 2679 nor 13361.
    ActualUsage search =
        billed(
            """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_01G","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":2679,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":3}}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":10682,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":510,"server_tool_use":{"web_search_requests":1}}}
            """);
    assertThat(search.promptInput()).isEqualTo(10682);
    assertThat(search.output()).isEqualTo(510);
    assertThat(search.serverToolRequests()).containsEntry("web_search_requests", 1L);
  }

  @Test
  void keepsTheLatestOfEveryStreamedFieldAndTheStartValueOfAnyOtherOne() {
    // Bug 2: cache_read on both events is not doubled.
    ActualUsage cache =
        billed(
            """
            data: {"type":"message_start","message":{"usage":{"input_tokens":5,"cache_read_input_tokens":50000,"output_tokens":1}}}
            data: {"type":"message_delta","usage":{"output_tokens":20,"cache_read_input_tokens":50000}}
            """);
    assertThat(cache.cacheRead()).isEqualTo(50000);
    assertThat(cache.uncachedInput())
        .as("from message_start, the delta leaves it out")
        .isEqualTo(5);
    // Bug 4: several deltas, the last total wins.
    ActualUsage deltas =
        billed(
            """
            data: {"type":"message_start","message":{"usage":{"input_tokens":100,"output_tokens":1}}}
            data: {"type":"message_delta","usage":{"output_tokens":40}}
            data: {"type":"message_delta","usage":{"output_tokens":510}}
            """);
    assertThat(deltas.output()).isEqualTo(510);
    // Bug 5: input and cache reported only on the delta.
    ActualUsage late =
        billed(
            """
            data: {"type":"message_start","message":{"id":"msg_x","usage":{}}}
            data: {"type":"message_delta","usage":{"input_tokens":4522,"cache_creation_input_tokens":4511,"output_tokens":5}}
            """);
    assertThat(late.promptInput()).isEqualTo(9033);
    assertThat(late.promptInput() + late.output()).isEqualTo(9038);
  }

  @Test
  void countsACachedPrefixOnceWhenTheDeltaRestatesInputAsUncached() {
    // Bug 6 (QwenCloud frames, maximhq/bifrost PR #6378): a full-prompt input on message_start,
    // then an uncached input plus the cache read on message_delta. Replacing field by field gives
    // 18 + 8831; taking the larger input or adding the cache to the start value gives 17665.
    ActualUsage qwen =
        billed(
            """
            data: {"type":"message_start","message":{"usage":{"input_tokens":8834,"output_tokens":0}}}
            data: {"type":"message_delta","usage":{"input_tokens":18,"cache_read_input_tokens":8831,"output_tokens":12}}
            """);
    assertThat(qwen.promptInput()).isEqualTo(8849);
    assertThat(qwen.uncachedInput()).isEqualTo(18);
    assertThat(qwen.cacheRead()).isEqualTo(8831);
  }

  @Test
  void marksAStreamCutBeforeItsFinalUsageIncomplete() {
    ActualUsage cut =
        billed(
            """
            data: {"type":"message_start","message":{"usage":{"input_tokens":377,"output_tokens":1}}}
            data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}
            """);
    assertThat(cut.complete()).isFalse();
    assertThat(cut.warnings()).anyMatch(w -> w.contains("placeholder"));
  }

  @Test
  void putsEveryAnthropicInputTokenInExactlyOneBucket() {
    // Bug 7 (BerriAI/litellm #9812): cache writes are not also input.
    ActualUsage writes =
        billed(
            """
            {"type":"message","id":"msg_1","model":"claude-3-7-sonnet-20250219","usage":{"input_tokens":3,"cache_creation_input_tokens":12304,"cache_read_input_tokens":0,"output_tokens":550}}""");
    assertThat(writes.uncachedInput()).isEqualTo(3);
    assertThat(writes.cacheWrite5m()).isEqualTo(12304);
    assertThat(writes.cacheWrite1h()).isZero();
    assertThat(writes.promptInput()).isEqualTo(12307);
    // Bug 12: the 1-hour writes keep their own bucket.
    ActualUsage hour =
        billed(
            """
            {"type":"message","usage":{"input_tokens":10,"cache_creation_input_tokens":4803,"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":4803},"output_tokens":7}}""");
    assertThat(hour.cacheWrite1h()).isEqualTo(4803);
    assertThat(hour.cacheWrite5m()).isZero();
    assertThat(hour.warnings()).isEmpty();
    // The documented example whose split does not add up: billed by the split, and said so.
    ActualUsage docs =
        billed(
            """
            {"type":"message","usage":{"input_tokens":2048,"cache_read_input_tokens":1800,"cache_creation_input_tokens":248,"output_tokens":503,"cache_creation":{"ephemeral_5m_input_tokens":456,"ephemeral_1h_input_tokens":100}}}""");
    assertThat(docs.warnings())
        .anyMatch(w -> w.contains("differ from cache_creation_input_tokens"));
    assertThat(docs.cacheWrite5m() + docs.cacheWrite1h()).isEqualTo(556);
    // Bug 13: with compaction the bill is the sum over iterations.
    ActualUsage compacted =
        billed(
            """
            {"type":"message","usage":{"input_tokens":23000,"output_tokens":1000,"iterations":[{"type":"compaction","input_tokens":180000,"output_tokens":3500},{"type":"message","input_tokens":23000,"output_tokens":1000}]}}""");
    assertThat(compacted.uncachedInput()).isEqualTo(203000);
    assertThat(compacted.output()).isEqualTo(4500);
    // The API reference example: service tier, server tools (unknown kinds kept) and the id.
    ActualUsage reference =
        billed(
            """
            {"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Hi! My name is Claude."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"cache_creation":{"ephemeral_1h_input_tokens":0,"ephemeral_5m_input_tokens":0},"cache_creation_input_tokens":2051,"cache_read_input_tokens":2051,"input_tokens":2095,"output_tokens":503,"server_tool_use":{"web_search_requests":0,"code_execution_requests":2},"service_tier":"standard","output_tokens_details":{"thinking_tokens":120}}}""");
    assertThat(reference.promptInput()).isEqualTo(2095 + 2051 + 2051);
    assertThat(reference.cacheWrite5m()).as("a zero split is a placeholder").isEqualTo(2051);
    assertThat(reference.serverToolRequests()).containsEntry("code_execution_requests", 2L);
    assertThat(reference.serviceTier()).isEqualTo("standard");
    assertThat(reference.output()).as("thinking is inside output_tokens").isEqualTo(503);
    assertThat(reference.thinking()).isEqualTo(120);
    assertThat(reference.model()).isEqualTo("claude-sonnet-4-5-20250929");
  }

  @Test
  void readsBatchLinesAndBillsOnlyTheSucceededOnes() {
    ResponseOutcome ok =
        read(
            """
            {"custom_id":"gw-42","result":{"type":"succeeded","message":{"id":"msg_014VwiXbi91y3JMjcpyGBHX5","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":11,"output_tokens":36}}}}""");
    assertThat(ok)
        .isInstanceOfSatisfying(
            ResponseOutcome.Billed.class,
            b -> {
              assertThat(b.batch()).isTrue();
              assertThat(b.customId()).isEqualTo("gw-42");
              assertThat(b.usage().serviceTier()).isEqualTo("batch");
              assertThat(b.usage().output()).isEqualTo(36);
            });
    for (String type : new String[] {"errored", "canceled", "expired"}) {
      assertThat(read("{\"custom_id\":\"gw-1\",\"result\":{\"type\":\"" + type + "\"}}"))
          .isInstanceOfSatisfying(
              ResponseOutcome.NotBilled.class, n -> assertThat(n.reason()).contains(type));
    }
  }

  @Test
  void subtractsGeminiCacheFromThePromptAndCountsThinkingAsOutput() {
    // Bug 15, js-genai's implicit-cache recording: 5 prompt of which 3 cached.
    ActualUsage implicit =
        billed(
            """
            {"candidates":[{"finishReason":"STOP"}],"responseId":"r1","modelVersion":"gemini-2.5-flash","usageMetadata":{"cacheTokensDetails":[{"modality":"TEXT","tokenCount":3}],"cachedContentTokenCount":3,"candidatesTokenCount":238,"promptTokenCount":5,"promptTokensDetails":[{"modality":"TEXT","tokenCount":5}],"thoughtsTokenCount":41,"totalTokenCount":284}}""");
    assertThat(implicit.uncachedInput()).isEqualTo(2);
    assertThat(implicit.cacheRead()).isEqualTo(3);
    assertThat(implicit.promptInput()).isEqualTo(5);
    assertThat(implicit.output()).as("candidates + thoughts (bug 17)").isEqualTo(279);
    assertThat(implicit.thinking()).isEqualTo(41);
    assertThat(implicit.warnings()).isEmpty();
    // Bug 18: tool-use prompt tokens are input, outside the prompt count.
    ActualUsage tools =
        billed(
            """
            {"candidates":[{"finishReason":"STOP"}],"usageMetadata":{"candidatesTokenCount":90,"promptTokenCount":22,"thoughtsTokenCount":225,"toolUsePromptTokenCount":247,"totalTokenCount":584}}""");
    assertThat(tools.toolUsePrompt()).isEqualTo(247);
    assertThat(tools.billedInput()).isEqualTo(269);
    assertThat(tools.output()).isEqualTo(315);
    assertThat(tools.billedInput() + tools.output()).isEqualTo(tools.vendorTotal());
    // Bug 16: a cache larger than the prompt is flagged, not subtracted into a negative.
    ActualUsage anomaly =
        billed(
            """
            {"candidates":[{"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":40,"cachedContentTokenCount":900,"candidatesTokenCount":5,"totalTokenCount":945}}""");
    assertThat(anomaly.uncachedInput()).isEqualTo(40);
    assertThat(anomaly.warnings()).anyMatch(w -> w.contains("exceeds promptTokenCount"));
  }

  private static final String GEMINI_CHUNK_1 =
      """
      {"candidates":[{"content":{"parts":[{"text":"a"}]}}],"responseId":"qS77aMCqBu6mvr0PsJiykAw","usageMetadata":{"candidatesTokenCount":51,"promptTokenCount":7,"thoughtsTokenCount":45,"totalTokenCount":103}}""";
  private static final String GEMINI_CHUNK_2 =
      """
      {"candidates":[{"content":{"parts":[{"text":"b"}]}}],"responseId":"qS77aMCqBu6mvr0PsJiykAw","usageMetadata":{"candidatesTokenCount":102,"promptTokenCount":7,"thoughtsTokenCount":45,"totalTokenCount":154}}""";
  private static final String GEMINI_CHUNK_3 =
      """
      {"candidates":[{"content":{"parts":[{"text":"c"}]},"finishReason":"MAX_TOKENS"}],"responseId":"qS77aMCqBu6mvr0PsJiykAw","usageMetadata":{"candidatesTokenCount":153,"promptTokenCount":7,"thoughtsTokenCount":45,"totalTokenCount":205}}""";

  @Test
  void takesTheLastCumulativeGeminiChunkAsSseAsAnArrayAndInsideACapturedExchange() {
    // Bug 19: 7 / 198 / 205, not the sums 21 / 441.
    String sse =
        "data: " + GEMINI_CHUNK_1 + "\n\ndata: " + GEMINI_CHUNK_2 + "\n\ndata: " + GEMINI_CHUNK_3;
    String array = "[" + GEMINI_CHUNK_1 + "," + GEMINI_CHUNK_2 + "," + GEMINI_CHUNK_3 + "]";
    String exchange =
        "{\"status\":200,\"headers\":{\"x-goog-api-key\":\"AIza-secret\"},\"body\":"
            + com.fasterxml.jackson.databind.node.TextNode.valueOf(sse)
            + "}";
    for (String response : new String[] {sse, array, exchange}) {
      ActualUsage u = billed(response);
      assertThat(u.promptInput()).isEqualTo(7);
      assertThat(u.output()).isEqualTo(198);
      assertThat(u.vendorTotal()).isEqualTo(205);
      assertThat(u.vendorId()).isEqualTo("qS77aMCqBu6mvr0PsJiykAw");
      assertThat(u.complete()).isTrue();
      assertThat(u.toString()).doesNotContain("AIza-secret");
    }
    // Bug 20, Vertex: counts only on the final chunk; the traffic-only chunks do not zero them.
    ActualUsage vertex =
        billed(
            """
            data: {"candidates":[{}],"usageMetadata":{"billablePromptUsage":{"textCount":16},"trafficType":"ON_DEMAND"}}
            data: {"candidates":[{}],"usageMetadata":{"trafficType":"ON_DEMAND"}}
            data: {"candidates":[{"finishReason":"MAX_TOKENS"}],"usageMetadata":{"candidatesTokenCount":156,"promptTokenCount":6,"thoughtsTokenCount":41,"totalTokenCount":203,"trafficType":"ON_DEMAND"}}
            data: {"candidates":[{}],"usageMetadata":{"trafficType":"ON_DEMAND"}}
            """);
    assertThat(vertex.promptInput()).isEqualTo(6);
    assertThat(vertex.output()).isEqualTo(197);
    assertThat(vertex.serviceTier()).isEqualTo("ON_DEMAND");
  }

  @Test
  void tellsNotBilledUnknownAndUnreadableApart() {
    assertThat(read("{\"status\":529,\"headers\":{},\"body\":{\"type\":\"error\"}}"))
        .isInstanceOfSatisfying(
            ResponseOutcome.NotBilled.class, n -> assertThat(n.reason()).contains("529"));
    assertThat(read("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\"}}"))
        .isInstanceOf(ResponseOutcome.NotBilled.class);
    assertThat(
            read("data: {\"candidates\":[{}],\"usageMetadata\":{\"trafficType\":\"ON_DEMAND\"}}"))
        .isInstanceOf(ResponseOutcome.UsageUnknown.class);
    assertThat(read("hello")).isInstanceOf(ResponseOutcome.Unreadable.class);
    assertThat(read("{\"foo\":1}")).isInstanceOf(ResponseOutcome.Unreadable.class);
    assertThat(read("{\"type\":\"message\"")).isInstanceOf(ResponseOutcome.Unreadable.class);
    assertThat(read("[1,2]")).isInstanceOf(ResponseOutcome.Unreadable.class);
    String nested = "{\"status\":200,\"body\":".repeat(4) + "{}" + "}".repeat(4);
    assertThat(read(nested)).isInstanceOf(ResponseOutcome.Unreadable.class);
  }
}
