package dev.tokentally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.topology.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Mixed input with unique ids (both record forms, valid and invalid, three function names, a
 * credential header on every record) and the check that it came out right: each id exactly once on
 * the enriched or the dead-letter topic (read committed), with the right content, and all-time
 * usage totals equal to what is computed here from the input alone.
 */
public final class MixedWorkload {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final List<String> NAMES = List.of("summarise", "classify", "extract");

  /** Anthropic's published count for this body; metadata is not counted. */
  private static final long CLAUDE_TOKENS = 14;

  /** The kinds of input, each with where it must come out. */
  enum Kind {
    ANTHROPIC("claude-3-5-sonnet", null),
    GEMINI_BARE("gemini-2.5-flash", null),
    GEMINI_CAPTURED("gemini-2.5-flash", null),
    OVER_WINDOW("claude-3-5-sonnet", "context_window_exceeded"),
    UNKNOWN_MODEL("claude-99", "unknown_model"),
    NOT_JSON("(unknown)", "invalid_json"),
    NOT_A_REQUEST("(unknown)", "invalid_request"),
    NOT_UTF8("(unknown)", "invalid_json");

    final String usageModel;
    final String code;

    Kind(String usageModel, String code) {
      this.usageModel = usageModel;
      this.code = code;
    }
  }

  private static final String CLAUDE =
      "{\"model\":\"claude-3-5-sonnet-20241022\",\"system\":\"You are a scientist\","
          + "\"metadata\":{\"user_id\":\"%s\"},%s\"messages\":[{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}";
  // labels are not counted, so every Gemini record has the same count.
  private static final String GEMINI =
      "{\"labels\":{\"id\":\"%s\"},\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"What is Kafka?\"}]}]}";

  private static byte[] body(Kind kind, String id) {
    String text =
        switch (kind) {
          case ANTHROPIC -> CLAUDE.formatted(id, "");
          case OVER_WINDOW -> CLAUDE.formatted(id, "\"max_tokens\":500000,");
          case UNKNOWN_MODEL ->
              CLAUDE.formatted(id, "").replace("claude-3-5-sonnet-20241022", "claude-99");
          case GEMINI_BARE -> GEMINI.formatted(id);
          case GEMINI_CAPTURED ->
              "{\"method\":\"POST\",\"path\":\"/v3/compat/v1beta/models/gemini-2.5-flash:generateContent\","
                  + "\"headers\":{\"x-goog-api-key\":\"AIza-must-not-leak\"},\"body\":"
                  + GEMINI.formatted(id)
                  + "}";
          case NOT_JSON -> "not json " + id;
          case NOT_A_REQUEST -> "{\"prompt\":\"" + id + "\"}";
          case NOT_UTF8 -> null;
        };
    if (text != null) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    byte[] id8 = id.getBytes(StandardCharsets.US_ASCII);
    byte[] bytes = Arrays.copyOf(id8, id8.length + 2);
    bytes[id8.length] = (byte) 0xC3;
    bytes[id8.length + 1] = (byte) 0x28;
    return bytes;
  }

  private final Topics topics;
  private final Map<String, Kind> sent = new HashMap<>();
  private final Map<String, byte[]> payloads = new HashMap<>();
  private final Map<String, String> names = new HashMap<>();
  private final List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();

  private MixedWorkload(Topics topics) {
    this.topics = topics;
  }

  public static MixedWorkload generate(int count, Topics topics) {
    MixedWorkload w = new MixedWorkload(topics);
    w.fill(count);
    return w;
  }

  private void fill(int count) {
    Kind[] kinds = Kind.values();
    for (int i = 0; i < count; i++) {
      String id = String.format("id-%06d", i);
      Kind kind = kinds[i % kinds.length];
      String name = NAMES.get((i / kinds.length) % NAMES.size());
      byte[] value = body(kind, id);
      sent.put(id, kind);
      payloads.put(id, value);
      names.put(id, name);
      RecordHeaders headers = new RecordHeaders();
      headers.add("X-Opper-Name", name.getBytes(StandardCharsets.UTF_8));
      headers.add("Authorization", "Bearer must-not-leak".getBytes(StandardCharsets.UTF_8));
      if (kind == Kind.GEMINI_BARE) {
        headers.add("X-Tokentally-Model", "gemini-2.5-flash".getBytes(StandardCharsets.UTF_8));
      }
      records.add(
          new ProducerRecord<>(
              topics.requests(), null, id.getBytes(StandardCharsets.UTF_8), value, headers));
    }
  }

  public List<ProducerRecord<byte[], byte[]>> records() {
    return records;
  }

  /**
   * All-time usage computed from the input alone, per model and per function name, each as "N
   * requests, T tokens, R rejected".
   */
  public record Totals(Map<String, String> byModel, Map<String, String> byName) {
    public static String render(long requests, long tokens, long rejected) {
      return requests + " requests, " + tokens + " tokens, " + rejected + " rejected";
    }

    /** The same for a usage record, from the usage topics or a usage query. */
    public static String render(JsonNode usage) {
      return render(
          usage.get("requests").asLong(),
          usage.get("input_tokens").asLong(),
          usage.get("rejected_total").asLong());
    }
  }

  /**
   * Reads both outputs and the usage topics and checks everything; fails the test otherwise.
   *
   * @return the usage totals the topics were checked against, for checks on queries
   */
  public Totals verify(String bootstrap, Duration timeout) {
    int expected = records.size();
    List<ConsumerRecord<byte[], byte[]>> out =
        TopicIo.readCommitted(
            bootstrap,
            List.of(topics.enriched(), topics.deadLetter()),
            expected,
            timeout,
            Duration.ofSeconds(3));
    Map<String, Integer> seen = new HashMap<>();
    long geminiTokens = -1;
    for (ConsumerRecord<byte[], byte[]> record : out) {
      String id = new String(record.key(), StandardCharsets.UTF_8);
      seen.merge(id, 1, Integer::sum);
      Kind kind = sent.get(id);
      String text = new String(record.value(), StandardCharsets.UTF_8);
      assertThat(text).doesNotContain("must-not-leak");
      assertThat(record.headers().lastHeader("Authorization")).isNull();
      JsonNode value = json(record.value());
      boolean enriched = record.topic().equals(topics.enriched());
      assertThat(enriched).as(id).isEqualTo(kind.code == null);
      if (kind == Kind.ANTHROPIC) {
        assertThat(value.get("input_tokens").asLong()).as(id).isEqualTo(CLAUDE_TOKENS);
        assertThat(value.at("/request/metadata/user_id").asText()).isEqualTo(id);
        assertThat(value.get("name").asText()).isEqualTo(names.get(id));
      } else if (enriched) {
        long tokens = value.get("totalTokens").asLong();
        assertThat(geminiTokens == -1 || geminiTokens == tokens).as(id).isTrue();
        geminiTokens = tokens;
        assertThat(value.at("/request/labels/id").asText()).isEqualTo(id);
      } else {
        assertThat(value.at("/error/code").asText()).as(id).isEqualTo(kind.code);
        assertThat(payloadBytes(value)).isEqualTo(payloads.get(id));
      }
    }
    assertThat(seen).hasSize(expected);
    assertThat(seen.values()).allMatch(n -> n == 1);

    return assertUsageTotals(bootstrap, geminiTokens);
  }

  /** The all-time usage records must converge on the totals computed from the input. */
  private Totals assertUsageTotals(String bootstrap, long geminiTokens) {
    Map<String, long[]> expectedByModel = new HashMap<>();
    Map<String, long[]> expectedByName = new HashMap<>();
    for (Map.Entry<String, Kind> e : sent.entrySet()) {
      Kind kind = e.getValue();
      long tokens = kind.code != null ? 0 : kind == Kind.ANTHROPIC ? CLAUDE_TOKENS : geminiTokens;
      for (long[] totals :
          List.of(
              expectedByModel.computeIfAbsent(kind.usageModel, k -> new long[3]),
              expectedByName.computeIfAbsent(names.get(e.getKey()), k -> new long[3]))) {
        totals[kind.code == null ? 0 : 2]++;
        totals[1] += tokens;
      }
    }
    assertThat(latestAllTime(bootstrap, topics.usageByModel(), "model", expectedByModel))
        .isEqualTo(render(expectedByModel));
    assertThat(latestAllTime(bootstrap, topics.usageByName(), "name", expectedByName))
        .isEqualTo(render(expectedByName));
    return new Totals(render(expectedByModel), render(expectedByName));
  }

  private static Map<String, String> render(Map<String, long[]> totals) {
    Map<String, String> out = new HashMap<>();
    totals.forEach((k, t) -> out.put(k, Totals.render(t[0], t[1], t[2])));
    return out;
  }

  private static Map<String, String> latestAllTime(
      String bootstrap, String topic, String field, Map<String, long[]> expected) {
    Map<String, String> wanted = render(expected);
    Map<String, String> latest = new HashMap<>();
    TopicIo.readCommittedUntil(
        bootstrap,
        List.of(topic),
        read -> {
          latest.clear();
          for (ConsumerRecord<byte[], byte[]> r : read) {
            JsonNode v = json(r.value());
            if (v.get("window").asText().equals("all")) {
              latest.put(v.get(field).asText(), Totals.render(v));
            }
          }
          return latest.equals(wanted);
        },
        Duration.ofSeconds(60));
    return latest;
  }

  private static JsonNode json(byte[] value) {
    try {
      return MAPPER.readTree(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] payloadBytes(JsonNode deadLetter) {
    JsonNode meta = deadLetter.get("meta");
    return meta.has("payload")
        ? meta.get("payload").asText().getBytes(StandardCharsets.UTF_8)
        : Base64.getDecoder().decode(meta.get("payload_base64").asText());
  }
}
