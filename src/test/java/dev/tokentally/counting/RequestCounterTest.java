package dev.tokentally.counting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.models.ContentKind;
import dev.tokentally.models.CountMethod;
import dev.tokentally.models.ModelRegistry;
import dev.tokentally.request.Endpoint;
import dev.tokentally.request.RequestParser;
import dev.tokentally.request.RequestPath;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The accounting rules, each isolated: what counts, what does not, and what is refused. */
class RequestCounterTest {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final RequestCounter COUNTER = RequestCounter.withDefaults();

  private static CountOutcome result(RequestCounter counter, String json) {
    return new RequestCounting(new RequestParser(), counter)
        .count(json.getBytes(StandardCharsets.UTF_8), new BodyOrigin.Record(null));
  }

  private static TokenCount count(String json) {
    CountOutcome result = result(COUNTER, json);
    assertThat(result).isInstanceOf(CountOutcome.Counted.class);
    return ((CountOutcome.Counted) result).count();
  }

  /** Counts a Gemini body as its countTokens call, the accounting published examples show. */
  private static TokenCount countTokens(String json) {
    CountOutcome result =
        new RequestCounting(new RequestParser(), COUNTER)
            .count(
                json.getBytes(StandardCharsets.UTF_8),
                new BodyOrigin.Route(new RequestPath.Route(Endpoint.COUNT_TOKENS, null)));
    assertThat(result).isInstanceOf(CountOutcome.Counted.class);
    return ((CountOutcome.Counted) result).count();
  }

  private static String png(int w, int h) {
    return Base64.getEncoder().encodeToString(SyntheticPng.of(w, h));
  }

  @Test
  void variantsOfARegisteredModelCountAsItAndSayWhile() {
    TokenCount variant =
        count(
            """
            {"model":"gemini-2.0-flash-thinking-exp-01-21","contents":[{"parts":[{"text":"hi"}]}]}""");
    TokenCount base =
        count(
            """
            {"model":"gemini-2.0-flash","contents":[{"parts":[{"text":"hi"}]}]}""");
    assertThat(variant.total()).isEqualTo(base.total());
    assertThat(variant.notes())
        .anyMatch(
            n -> n.contains("gemini-2.0-flash-thinking-exp-01-21") && n.contains("base model"));
    CountOutcome unknown =
        result(
            COUNTER,
            """
            {"model":"gemini-9-ultra","contents":[{"parts":[{"text":"hi"}]}]}""");
    assertThat(unknown).isInstanceOf(CountOutcome.Refused.class);
    assertThat(((CountOutcome.Refused) unknown).rejection().code().code())
        .isEqualTo("unknown_model");
  }

  @Test
  void geminiTakesMediaInEitherBase64AlphabetAndAnthropicOnlyTheStandardOne() {
    String urlSafe =
        Base64.getUrlEncoder().withoutPadding().encodeToString(SyntheticPng.of(300, 301));
    String standard = Base64.getEncoder().encodeToString(SyntheticPng.of(300, 301));
    String gemini =
        """
        {"model":"gemini-2.5-flash","contents":[{"parts":[{"inlineData":{"mimeType":"image/png","data":"%s"}}]}]}""";
    assertThat(count(gemini.formatted(urlSafe)).total())
        .isEqualTo(count(gemini.formatted(standard)).total());
    CountOutcome anthropic =
        result(
            COUNTER,
            ("{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\","
                    + "\"source\":{\"type\":\"base64\",\"media_type\":\"image/png\",\"data\":\"%s\"}}]}]}")
                .formatted(urlSafe));
    assertThat(urlSafe).containsAnyOf("-", "_");
    assertThat(anthropic).isInstanceOf(CountOutcome.Refused.class);
    assertThat(((CountOutcome.Refused) anthropic).rejection().message()).contains("URL-safe");
  }

  @Test
  void acceptedShapesCountTheirContent() {
    TokenCount systemTurn =
        count(
            "{\"model\":\"claude-opus-4-8\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"system\",\"content\":\"Answer in French from now on.\"}]}");
    TokenCount userTurn =
        count(
            "{\"model\":\"claude-opus-4-8\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},"
                + "{\"role\":\"user\",\"content\":\"Answer in French from now on.\"}]}");
    assertThat(systemTurn.total()).isEqualTo(userTurn.total());
    TokenCount loneObject =
        count(
            """
            {"model":"gemini-2.5-flash","contents":[{"role":"user","parts":{"text":"Who made Ruby?"}}]}""");
    TokenCount array =
        count(
            """
            {"model":"gemini-2.5-flash","contents":[{"role":"user","parts":[{"text":"Who made Ruby?"}]}]}""");
    assertThat(loneObject.total()).isEqualTo(array.total());
    TokenCount toolAddition =
        count(
            "{\"model\":\"claude-opus-4-8\",\"messages\":[{\"role\":\"user\",\"content\":\"Find the rate tool.\"},"
                + "{\"role\":\"system\",\"content\":[{\"type\":\"tool_addition\",\"tool\":{\"type\":\"tool_reference\",\"name\":\"lookup_exchange_rate\"}}]}],"
                + "\"tools\":[{\"name\":\"lookup_exchange_rate\",\"description\":\"Rates\",\"input_schema\":{\"type\":\"object\"}}]}");
    assertThat(toolAddition.kind()).isEqualTo(ContentKind.TOOLS);
    String image = Base64.getEncoder().encodeToString(SyntheticPng.of(64, 64));
    TokenCount withImage =
        count(
            "{\"model\":\"gemini-3-flash-preview\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"functionResponse\":{\"name\":\"f\",\"response\":{},"
                + "\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\""
                + image
                + "\"}}]}}]}]}");
    assertThat(withImage.breakdown().get("images")).isPositive();
  }

  @Test
  void everyCountStatesItsErrorBarAndExactOnesSayZero() {
    TokenCount gemmaText =
        count(
            """
            {"model":"gemini-2.5-flash","contents":[{"parts":[{"text":"Hello there"}]}]}""");
    assertThat(gemmaText.method()).isEqualTo(CountMethod.TOKENIZER);
    assertThat(gemmaText.errorPct()).isZero();
    TokenCount claude =
        count(
            """
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":"hi"}]}""");
    assertThat(claude.errorPct()).isPositive();
    TokenCount urlImage =
        count(
            """
            {"model":"claude-sonnet-4-5","messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]}]}""");
    assertThat(urlImage.method()).isEqualTo(CountMethod.HEURISTIC);
    assertThat(urlImage.errorPct()).isNull();
  }

  /**
   * Whatever the fit, text the corpus holds little of (Chinese, long numbers, code) never counts
   * far below its vocabulary tokens: a fitted per-character cost that drove it towards zero would
   * be fitting noise.
   */
  @ParameterizedTest
  @ValueSource(strings = {"claude-3-5-sonnet-20241022", "claude-sonnet-4-5", "claude-opus-4-8"})
  void textTheCorpusHoldsLittleOfCountsAtLeastItsVocabularyTokens(String model) {
    String chinese = "人工智能是计算机科学的一个分支，它企图了解智能的实质，并生产出一种新的能以人类智能相似的方式做出反应的智能机器。";
    StringBuilder numbers = new StringBuilder();
    for (int i = 0; i < 500; i++) {
      numbers.append("word").append(10_000 + i * 7919 % 90_000).append(' ');
    }
    String code = "for (int i = 0; i < n; i++) {\n  total += values[i] * 31 + (i % 7);\n}\n";
    for (String text : List.of(chinese, numbers.toString(), code.repeat(20))) {
      TokenCount count =
          count(
              "{\"model\":\""
                  + model
                  + "\",\"messages\":[{\"role\":\"user\",\"content\":"
                  + TextNode.valueOf(text)
                  + "}]}");
      assertThat(count.breakdown().get("messages"))
          .as(model + ": " + text.substring(0, 20))
          .isGreaterThanOrEqualTo((int) (0.9 * Tokenizers.claude().count(text)));
    }
  }

  @Test
  void unknownModelIsRefusedNotCountedAsZero() {
    CountOutcome result =
        result(
            COUNTER,
            """
            {"model":"claude-unknown-9","messages":[{"role":"user","content":"hi"}]}""");
    assertThat(result)
        .isInstanceOfSatisfying(
            CountOutcome.Refused.class,
            r -> assertThat(r.rejection().code()).isEqualTo(ErrorCode.UNKNOWN_MODEL));
  }

  @Test
  void configuredFallbackCountsAnUnknownModelAsAnEstimate() {
    RequestCounter counter =
        new RequestCounter(
            ModelRegistry.load(null, Map.of("anthropic", "claude-sonnet-4-6")),
            BlockCountCache.disabled());
    CountOutcome result =
        result(
            counter,
            """
            {"model":"claude-next","messages":[{"role":"user","content":"hi"}]}""");
    assertThat(result)
        .isInstanceOfSatisfying(
            CountOutcome.Counted.class,
            c -> {
              assertThat(c.model().id()).isEqualTo("claude-next");
              assertThat(c.model().estimate()).isTrue();
              assertThat(c.count().method()).isEqualTo(CountMethod.HEURISTIC);
              assertThat(c.count().total()).isPositive();
            });
  }

  @Test
  void aliasesAndPrefixesResolveToTheCanonicalModel() {
    ModelRegistry registry = ModelRegistry.builtIn();
    assertThat(registry.find("claude-sonnet-4-5-20250929").orElseThrow().id())
        .isEqualTo("claude-sonnet-4-5");
    assertThat(registry.find("models/gemini-2.5-flash").orElseThrow().id())
        .isEqualTo("gemini-2.5-flash");
    assertThat(registry.find("vertexai/gemini-2.5-flash").orElseThrow().id())
        .isEqualTo("gemini-2.5-flash");
    assertThat(registry.find("anthropic.claude-3-5-sonnet-20241022-v2:0").orElseThrow().id())
        .isEqualTo("claude-3-5-sonnet");
    assertThat(registry.find("claude-3-5-haiku@20241022").orElseThrow().id())
        .isEqualTo("claude-3-5-haiku");
    assertThat(registry.find("claude-opus-4-6-20990101").orElseThrow().id())
        .isEqualTo("claude-opus-4-6");
    assertThat(registry.find("gpt-4o")).isEmpty();
  }

  @Test
  void fieldsThatDoNotCountChangeNothing() {
    String plain =
        """
        {"model":"claude-sonnet-4-6","messages":[{"role":"user","content":[{"type":"text","text":"Summarise the attached report in three bullet points."}]}]}""";
    String decorated =
        "{\"model\":\"claude-sonnet-4-6\",\"max_tokens\":1024,\"stream\":true,\"temperature\":0.2,\"top_p\":0.9,\"top_k\":5,"
            + "\"stop_sequences\":[\"END\"],\"metadata\":{\"user_id\":\"u1\"},\"fallbacks\":[\"x\"],\"unknown_field\":{\"a\":1},"
            + "\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Summarise the attached report in three bullet points.\",\"cache_control\":{\"type\":\"ephemeral\"}}]}]}";
    assertThat(count(decorated).total()).isEqualTo(count(plain).total());
  }

  @Test
  void toolChoiceAnySelectsTheForcedToolPromptColumn() {
    String tools =
        """
        "tools":[{"name":"f","description":"d","input_schema":{"type":"object"}}]""";
    String base =
        "{\"model\":\"claude-opus-4-6\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + tools;
    int auto = count(base + "}").total();
    int any = count(base + ",\"tool_choice\":{\"type\":\"any\"}}").total();
    assertThat(any - auto).isEqualTo(589 - 497);
    int none =
        count(
                """
                {"model":"claude-opus-4-6","messages":[{"role":"user","content":"hi"}],"tool_choice":{"type":"none"}}""")
            .total();
    assertThat(none).isLessThan(auto - 497);
  }

  @Test
  void priorTurnThinkingCountsOnlyOnModelsThatKeepIt() {
    String messages =
        """
        "messages":[{"role":"user","content":"q"},{"role":"assistant","content":[{"type":"thinking","thinking":"a long chain of thought about the question","signature":"s"},{"type":"text","text":"a"}]},{"role":"user","content":"more"}]""";
    TokenCount stripped = count("{\"model\":\"claude-haiku-4-5\"," + messages + "}");
    TokenCount kept = count("{\"model\":\"claude-sonnet-4-6\"," + messages + "}");
    assertThat(stripped.breakdown()).doesNotContainKey("thinking");
    assertThat(kept.breakdown().get("thinking")).isPositive();
  }

  @Test
  void imagesCostTheirPatchesAfterTheModelsDownscale() {
    String body =
        """
        {"model":"%s","messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}}]}]}""";
    String big = png(3000, 2000);
    assertThat(count(body.formatted("claude-sonnet-4-6", big)).breakdown().get("images"))
        .isLessThanOrEqualTo(1568 + 3);
    assertThat(count(body.formatted("claude-opus-4-8", big)).breakdown().get("images"))
        .isGreaterThan(4000);
    assertThat(AnthropicCounter.patches(200, 200, 1568, 1568)).isEqualTo(64);
  }

  @Test
  void urlImagesAreCountedAtTheLargestSizeAndLabelledHeuristic() {
    TokenCount count =
        count(
            """
            {"model":"claude-sonnet-4-6","messages":[{"role":"user","content":[{"type":"image","source":{"type":"url","url":"https://example.com/a.png"}}]}]}""");
    assertThat(count.method()).isEqualTo(CountMethod.HEURISTIC);
    assertThat(count.breakdown().get("images")).isEqualTo(1568 + 3);
    assertThat(count.notes()).anyMatch(n -> n.contains("url source"));
  }

  @Test
  void dataThatIsNotWhatItClaimsIsRefusedWithItsPath() {
    CountOutcome notImage =
        result(
            COUNTER,
            """
            {"model":"claude-sonnet-4-6","messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"aGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQgaGVsbG8gd29ybGQ="}}]}]}""");
    assertThat(notImage)
        .isInstanceOfSatisfying(
            CountOutcome.Refused.class,
            r -> {
              assertThat(r.rejection().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
              assertThat(r.rejection().details())
                  .containsEntry("path", "$.messages[0].content[0].source.data");
            });
    CountOutcome lying =
        result(
            COUNTER,
            "{\"model\":\"claude-sonnet-4-6\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"type\":\"base64\",\"media_type\":\"image/jpeg\",\"data\":\""
                + png(10, 10)
                + "\"}}]}]}");
    assertThat(lying)
        .isInstanceOfSatisfying(
            CountOutcome.Refused.class,
            r -> assertThat(r.rejection().message()).contains("image/png"));
    CountOutcome unknownBlock =
        result(
            COUNTER,
            """
            {"model":"claude-sonnet-4-6","messages":[{"role":"user","content":[{"type":"hologram"}]}]}""");
    assertThat(unknownBlock)
        .isInstanceOfSatisfying(
            CountOutcome.Refused.class,
            r ->
                assertThat(r.rejection().details())
                    .containsEntry("path", "$.messages[0].content[0].type"));
  }

  @Test
  void geminiAddsOneTokenPerRoleTaggedContent() {
    int noRole =
        count(
                """
                {"model":"gemini-2.5-flash","contents":[{"parts":[{"text":"Hello there"}]}]}""")
            .total();
    int withRole =
        count(
                """
                {"model":"gemini-2.5-flash","contents":[{"role":"user","parts":[{"text":"Hello there"}]}]}""")
            .total();
    assertThat(withRole).isEqualTo(noRole + 1);
    assertThat(noRole).isEqualTo(Tokenizers.gemma3().count("Hello there"));
  }

  @Test
  void geminiSnakeCaseWrappersAndInteractionsCountLikeCamelCase() {
    String camel =
        """
        {"generateContentRequest":{"model":"models/gemini-2.0-flash","systemInstruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Why is the sky blue?"}]}]}}""";
    String snake =
        """
        {"generate_content_request":{"model":"gemini-2.0-flash","system_instruction":{"parts":[{"text":"Be brief."}]},"contents":[{"role":"user","parts":[{"text":"Why is the sky blue?"}]}]}}""";
    String interactions =
        """
        {"model":"gemini-2.0-flash","system_instruction":{"Text":"Be brief."},"input":"Why is the sky blue?"}""";
    int expected = countTokens(camel).total();
    assertThat(countTokens(snake).total()).isEqualTo(expected);
    assertThat(countTokens(interactions).total()).isEqualTo(expected);
  }

  @Test
  void geminiImagesCostAFixedAmountPerGeneration() {
    String body =
        "{\"model\":\"%s\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\""
            + png(2048, 1362)
            + "\"}}]}]}";
    assertThat(countTokens(body.formatted("gemini-2.0-flash")).total()).isEqualTo(259);
    assertThat(countTokens(body.formatted("gemini-1.5-flash")).total()).isEqualTo(259);
    assertThat(countTokens(body.formatted("gemini-3-flash-preview")).total()).isEqualTo(1121);
  }

  @Test
  void gemini20BillsALoneLargeImageByItsTilesAndEachOfSeveralAsOne() {
    String image =
        "{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + png(995, 996) + "\"}}";
    String lone =
        "{\"model\":\"gemini-2.0-flash\",\"contents\":[{\"role\":\"user\",\"parts\":["
            + image
            + "]}]}";
    String two =
        "{\"model\":\"gemini-2.0-flash\",\"contents\":[{\"role\":\"user\",\"parts\":["
            + image
            + ","
            + image
            + "]}]}";
    // Scaled to fit 768 px, 2 x 2 tiles of 384 px plus the whole image, 258 each.
    assertThat(count(lone).breakdown().get("images")).isEqualTo(5 * 258);
    assertThat(count(two).breakdown().get("images")).isEqualTo(2 * 258);
    assertThat(countTokens(lone).breakdown().get("images")).isEqualTo(258);
  }

  @Test
  void theBlockCacheGivesIdenticalCountsAndRecordsHits() {
    RequestCounter cached = new RequestCounter(ModelRegistry.builtIn(), new BlockCountCache(1024));
    RequestCounter uncached =
        new RequestCounter(ModelRegistry.builtIn(), BlockCountCache.disabled());
    String system = "You are a careful assistant. ".repeat(40);
    String body =
        "{\"model\":\"claude-sonnet-4-6\",\"system\":\""
            + system
            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"turn %d\"}]}";
    for (int i = 0; i < 5; i++) {
      assertThat(((CountOutcome.Counted) result(cached, body.formatted(i))).count())
          .isEqualTo(((CountOutcome.Counted) result(uncached, body.formatted(i))).count());
    }
    assertThat(cached.cache().stats().hits()).isEqualTo(4);
    assertThat(cached.cache().stats().charsSkipped()).isEqualTo(4L * system.length());
  }

  @Test
  void everyCountHasABreakdownThatSumsToTheTotal() throws Exception {
    TokenCount count =
        count(
            MAPPER.writeValueAsString(
                MAPPER.readTree(
                    """
                    {"model":"claude-sonnet-4-5","system":[{"type":"text","text":"sys"}],"messages":[{"role":"user","content":"hello"}]}""")));
    assertThat(count.breakdown().values().stream().mapToInt(Integer::intValue).sum())
        .isEqualTo(count.total());
    assertThat(count.breakdown()).containsKeys("system", "messages", "overhead");
  }
}
