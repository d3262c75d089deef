package dev.tokentally.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.request.UntrustedJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a vendor response by its shape and normalises its usage. Streams are cumulative for both
 * vendors, so a later value of a field replaces the earlier one and nothing is ever added across
 * events; totals are computed once, after the last event.
 */
public final class ResponseReader {
  private static final ObjectMapper MAPPER = UntrustedJson.mapper();

  /** A captured exchange wrapping another one is unwrapped this deep at most. */
  private static final int MAX_WRAPPING = 2;

  private ResponseReader() {}

  public static ResponseOutcome read(byte[] value) {
    return read(new String(value, StandardCharsets.UTF_8), 0);
  }

  private static ResponseOutcome read(String text, int depth) {
    String trimmed = text.strip();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      JsonNode node;
      try {
        node = MAPPER.readTree(trimmed);
      } catch (JsonProcessingException e) {
        return new ResponseOutcome.Unreadable("not valid JSON");
      }
      return read(node, depth);
    }
    List<JsonNode> events = serverSentEvents(trimmed);
    if (events == null) {
      return new ResponseOutcome.Unreadable(
          "neither JSON nor server-sent events (data: lines) of a vendor response");
    }
    if (events.stream().anyMatch(e -> e.path("type").asText().startsWith("message_"))) {
      return anthropicStream(events);
    }
    return gemini(events);
  }

  private static ResponseOutcome read(JsonNode node, int depth) {
    if (node.isArray()) {
      List<JsonNode> chunks = new ArrayList<>();
      node.forEach(chunks::add);
      return gemini(chunks);
    }
    if (!node.isObject()) {
      return new ResponseOutcome.Unreadable("a JSON " + node.getNodeType() + ", not a response");
    }
    if (node.has("status") && (node.has("body") || node.has("headers")) && !node.has("type")) {
      return exchange(node, depth);
    }
    if (node.has("custom_id") && node.has("result")) {
      return batchLine(node);
    }
    String type = node.path("type").asText();
    if (type.equals("message") && node.has("usage")) {
      return new ResponseOutcome.Billed(anthropicMessage(node, null), false, null);
    }
    if (type.equals("error")) {
      return new ResponseOutcome.NotBilled("the vendor answered with an error");
    }
    if (node.has("usageMetadata") || node.has("candidates")) {
      return gemini(List.of(node));
    }
    return new ResponseOutcome.Unreadable(
        "no Anthropic message, batch line, Gemini response or captured exchange");
  }

  /** {@code {"status":..,"headers":..,"body":..}}; the headers are never read or kept. */
  private static ResponseOutcome exchange(JsonNode node, int depth) {
    int status = node.path("status").asInt(-1);
    if (status < 100 || status > 599) {
      return new ResponseOutcome.Unreadable("captured exchange without a numeric HTTP status");
    }
    if (status >= 400) {
      return new ResponseOutcome.NotBilled("the vendor answered HTTP " + status);
    }
    if (depth >= MAX_WRAPPING) {
      return new ResponseOutcome.Unreadable("captured exchanges nested too deep");
    }
    JsonNode body = node.path("body");
    if (body.isTextual()) {
      return read(body.asText(), depth + 1);
    }
    if (body.isContainerNode()) {
      return read(body, depth + 1);
    }
    return new ResponseOutcome.Unreadable("captured exchange without a body");
  }

  private static ResponseOutcome batchLine(JsonNode node) {
    JsonNode result = node.path("result");
    String type = result.path("type").asText();
    String customId = node.path("custom_id").asText();
    if (!type.equals("succeeded")) {
      return new ResponseOutcome.NotBilled(
          "batch result " + (type.isEmpty() ? "without a type" : type));
    }
    JsonNode message = result.path("message");
    if (!message.has("usage")) {
      return new ResponseOutcome.Unreadable("succeeded batch result without a message usage");
    }
    return new ResponseOutcome.Billed(anthropicMessage(message, "batch"), true, customId);
  }

  // ---- Anthropic ------------------------------------------------------------------------------

  private static ActualUsage anthropicMessage(JsonNode message, String defaultTier) {
    AnthropicFields f = new AnthropicFields();
    JsonNode usage = message.path("usage");
    JsonNode iterations = usage.path("iterations");
    if (iterations.isArray() && !iterations.isEmpty()) {
      // Compaction: the top-level counts leave the compaction passes out; the bill is the sum.
      for (JsonNode it : iterations) {
        f.addIteration(it);
      }
      f.take(usage, false);
      f.input = f.iterationInput;
      f.output = f.iterationOutput;
      f.cacheRead = f.iterationCacheRead;
      f.cacheCreation = f.iterationCacheCreation;
    } else {
      f.take(usage, true);
    }
    return f.toUsage(text(message, "model"), text(message, "id"), defaultTier, true);
  }

  private static ResponseOutcome anthropicStream(List<JsonNode> events) {
    AnthropicFields f = new AnthropicFields();
    String model = null;
    String id = null;
    boolean started = false;
    boolean delta = false;
    for (JsonNode e : events) {
      switch (e.path("type").asText()) {
        case "message_start" -> {
          JsonNode message = e.path("message");
          model = text(message, "model");
          id = text(message, "id");
          f.take(message.path("usage"), true);
          started = true;
        }
        case "message_delta" -> {
          f.take(e.path("usage"), false);
          delta = true;
        }
        default -> {
          // content blocks, pings, message_stop, error: no usage
        }
      }
    }
    if (!started && !delta) {
      return new ResponseOutcome.UsageUnknown(
          "an Anthropic stream without message_start or message_delta");
    }
    return new ResponseOutcome.Billed(f.toUsage(model, id, null, delta), false, null);
  }

  /** Anthropic usage fields as last reported; null until an event carries them. */
  private static final class AnthropicFields {
    Long input;
    Long output;
    Long cacheRead;
    Long cacheCreation;
    Long split5m;
    Long split1h;
    Long thinking;
    String tier;
    final Map<String, Long> serverTools = new LinkedHashMap<>();
    long iterationInput;
    long iterationOutput;
    long iterationCacheRead;
    long iterationCacheCreation;

    /** Replaces every field the object carries; with {@code split}, the TTL split too. */
    void take(JsonNode usage, boolean split) {
      input = longOr(usage, "input_tokens", input);
      output = longOr(usage, "output_tokens", output);
      cacheRead = longOr(usage, "cache_read_input_tokens", cacheRead);
      cacheCreation = longOr(usage, "cache_creation_input_tokens", cacheCreation);
      JsonNode ttl = usage.path("cache_creation");
      if (split && ttl.isObject()) {
        split5m = longOr(ttl, "ephemeral_5m_input_tokens", split5m);
        split1h = longOr(ttl, "ephemeral_1h_input_tokens", split1h);
      }
      thinking = longOr(usage.path("output_tokens_details"), "thinking_tokens", thinking);
      if (usage.path("service_tier").isTextual()) {
        tier = usage.get("service_tier").asText();
      }
      usage
          .path("server_tool_use")
          .properties()
          .forEach(
              e -> {
                if (e.getValue().canConvertToLong()) {
                  serverTools.put(e.getKey(), e.getValue().asLong());
                }
              });
    }

    void addIteration(JsonNode it) {
      iterationInput += it.path("input_tokens").asLong();
      iterationOutput += it.path("output_tokens").asLong();
      iterationCacheRead += it.path("cache_read_input_tokens").asLong();
      iterationCacheCreation += it.path("cache_creation_input_tokens").asLong();
    }

    ActualUsage toUsage(String model, String id, String defaultTier, boolean complete) {
      List<String> warnings = new ArrayList<>();
      long created = value(cacheCreation);
      long w5 = created;
      long w1 = 0;
      if (split5m != null || split1h != null) {
        long s5 = value(split5m);
        long s1 = value(split1h);
        if (s5 + s1 != created) {
          warnings.add(
              "cache_creation splits "
                  + s5
                  + " (5m) + "
                  + s1
                  + " (1h) differ from cache_creation_input_tokens "
                  + created);
        }
        if (s5 + s1 > 0) {
          w5 = s5;
          w1 = s1;
        }
      }
      if (!complete) {
        warnings.add("the stream ended before message_delta: output_tokens is a placeholder");
      }
      return new ActualUsage(
          "anthropic",
          model,
          id,
          value(input),
          value(cacheRead),
          w5,
          w1,
          0,
          value(output),
          thinking,
          serverTools,
          tier != null ? tier : defaultTier,
          null,
          complete,
          warnings);
    }
  }

  // ---- Gemini ---------------------------------------------------------------------------------

  /** Every chunk's usage is cumulative: the last value of each field wins, a missing one stays. */
  private static ResponseOutcome gemini(List<JsonNode> chunks) {
    Map<String, Long> counts = new HashMap<>();
    String traffic = null;
    String id = null;
    String model = null;
    boolean finished = false;
    for (JsonNode chunk : chunks) {
      if (!chunk.isObject()) {
        return new ResponseOutcome.Unreadable("a Gemini stream element that is not an object");
      }
      JsonNode usage = chunk.path("usageMetadata");
      for (String field :
          List.of(
              "promptTokenCount",
              "cachedContentTokenCount",
              "candidatesTokenCount",
              "thoughtsTokenCount",
              "toolUsePromptTokenCount",
              "totalTokenCount")) {
        if (usage.path(field).canConvertToLong()) {
          counts.put(field, usage.get(field).asLong());
        }
      }
      if (usage.path("trafficType").isTextual()) {
        traffic = usage.get("trafficType").asText();
      }
      id = chunk.path("responseId").isTextual() ? chunk.get("responseId").asText() : id;
      model = chunk.path("modelVersion").isTextual() ? chunk.get("modelVersion").asText() : model;
      for (JsonNode c : chunk.path("candidates")) {
        finished |= c.path("finishReason").isTextual();
      }
    }
    if (chunks.isEmpty()
        || (!chunks.get(0).has("usageMetadata")
            && !chunks.get(0).has("candidates")
            && counts.isEmpty())) {
      return new ResponseOutcome.Unreadable(
          "no Gemini response fields (usageMetadata, candidates)");
    }
    if (!counts.containsKey("promptTokenCount")) {
      return new ResponseOutcome.UsageUnknown(
          "no chunk of the Gemini response carried token counts");
    }
    List<String> warnings = new ArrayList<>();
    long prompt = counts.get("promptTokenCount");
    long cached = counts.getOrDefault("cachedContentTokenCount", 0L);
    long candidates = counts.getOrDefault("candidatesTokenCount", 0L);
    long thoughts = counts.getOrDefault("thoughtsTokenCount", 0L);
    long toolUse = counts.getOrDefault("toolUsePromptTokenCount", 0L);
    Long total = counts.get("totalTokenCount");
    long uncached = prompt - cached;
    if (cached > prompt) {
      // Seen on Vertex with explicit caches: the prompt count then leaves the cache out.
      warnings.add("cachedContentTokenCount " + cached + " exceeds promptTokenCount " + prompt);
      uncached = prompt;
    }
    long output = candidates + thoughts;
    if (total != null && total != prompt + candidates + thoughts + toolUse) {
      if (thoughts > 0 && total == prompt + candidates + toolUse) {
        // An older convention: candidates already included the thinking.
        output = candidates;
        warnings.add("candidatesTokenCount includes thoughtsTokenCount (totalTokenCount says so)");
      } else {
        warnings.add(
            "totalTokenCount "
                + total
                + " is not prompt + candidates + thoughts + tool use = "
                + (prompt + candidates + thoughts + toolUse));
      }
    }
    if (!finished) {
      warnings.add("no chunk carried a finishReason: the stream may have been cut");
    }
    return new ResponseOutcome.Billed(
        new ActualUsage(
            "gemini",
            model,
            id,
            uncached,
            cached,
            0,
            0,
            toolUse,
            output,
            counts.containsKey("thoughtsTokenCount") ? thoughts : null,
            Map.of(),
            traffic,
            total,
            finished,
            warnings),
        false,
        null);
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The JSON of each {@code data:} line, or null when the text has none or one is not JSON. */
  private static List<JsonNode> serverSentEvents(String text) {
    List<JsonNode> events = new ArrayList<>();
    for (String line : text.split("\r?\n")) {
      if (!line.startsWith("data:")) {
        continue;
      }
      String data = line.substring(5).strip();
      if (data.isEmpty() || data.equals("[DONE]")) {
        continue;
      }
      try {
        events.add(MAPPER.readTree(data));
      } catch (JsonProcessingException e) {
        return null;
      }
    }
    return events.isEmpty() ? null : events;
  }

  private static Long longOr(JsonNode node, String field, Long otherwise) {
    JsonNode v = node.path(field);
    return v.canConvertToLong() && !v.isNull() ? Long.valueOf(v.asLong()) : otherwise;
  }

  private static long value(Long v) {
    return v == null ? 0 : v;
  }

  private static String text(JsonNode node, String field) {
    return node.path(field).isTextual() ? node.get(field).asText() : null;
  }
}
