package dev.tokentally.counting;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokentally.counting.Tally.Part;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.media.ImageSize;
import dev.tokentally.media.PdfDocument;
import dev.tokentally.models.AnthropicRules;
import dev.tokentally.models.ContentKind;
import dev.tokentally.models.CountMethod;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.models.Term;
import dev.tokentally.request.BodyShapes;
import dev.tokentally.request.LlmRequest;
import java.util.Map;
import java.util.Set;

/**
 * Anthropic's {@code input_tokens} for a Messages or count_tokens body, as terms for the family's
 * coefficients: vocabulary tokens and character classes of text, the per-request and per-turn
 * envelope, the hidden tool-use system prompt by tool_choice, tool definitions and blocks, images
 * by 28-px patches after the vendor's downscale, PDFs per page plus text, and thinking kept or
 * stripped per model. Fields that do not count (max_tokens, temperature, metadata, cache_control,
 * ...) are never read.
 */
final class AnthropicCounter {
  /**
   * A PDF page costs like a US Letter page image at 200 dpi (1700x2200) under the 1568 cap, on
   * every model: jackin's measurements show the same page cost on Opus 4.8 as on Sonnet 4.6.
   */
  private static final long PAGE_IMAGE_PATCHES = patches(1700, 2200, 1568, 1568);

  /** Anthropic-defined tools by type prefix, each a term the registry prices per family. */
  private static final Map<String, Term> DEFINED_TOOLS =
      Map.of(
          "memory_", Term.MEMORY_TOOL,
          "bash_", Term.BASH_TOOL,
          "text_editor_", Term.TEXT_EDITOR_TOOL,
          "computer_", Term.COMPUTER_TOOL);

  private static final Set<String> SERVER_TOOL_PREFIXES =
      Set.of("web_search_", "web_fetch_", "code_execution_", "tool_search_tool_", "mcp_toolset");

  private final TextCounter text;

  AnthropicCounter(TextCounter text) {
    this.text = text;
  }

  TokenCount count(LlmRequest request, ModelSpec model, TextCorrection correction) {
    JsonNode body = request.content();
    AnthropicRules rules = (AnthropicRules) model.rules();
    Tally tally = Tally.forModel(model, text);
    system(body.get("system"), tally);
    JsonNode messages = body.get("messages");
    int turns = messages.size();
    for (int i = 0; i < turns; i++) {
      JsonNode message = messages.get(i);
      boolean currentAssistantTurn =
          i == turns - 1 && "assistant".equals(message.path("role").asText());
      content(
          message.get("content"),
          "$.messages[" + i + "].content",
          Part.MESSAGES,
          model.keepsPriorThinking() || currentAssistantTurn,
          rules,
          tally);
    }
    tools(body.get("tools"), body.get("tool_choice"), model, rules, tally);
    structuredOutput(body, tally);
    mcpServers(body.get("mcp_servers"), tally);
    tally.add(Part.OVERHEAD, Term.REQUEST, 1);
    String thinking = body.path("thinking").path("type").asText("disabled");
    if (thinking.equals("enabled")) {
      tally.add(Part.OVERHEAD, Term.THINKING_ENABLED, 1);
    } else if (thinking.equals("adaptive")) {
      tally.add(Part.OVERHEAD, Term.THINKING_ADAPTIVE, 1);
    }
    tally.add(Part.OVERHEAD, Term.TURN, Math.max(0, turns - 1));
    return tally.result(rules, correction);
  }

  private void system(JsonNode system, Tally tally) {
    if (system == null || system.isNull()) {
      return;
    }
    if (system.isTextual()) {
      tally.text(Part.SYSTEM, system.asText());
      return;
    }
    if (!system.isArray()) {
      throw RejectedException.invalidAt(
          "$.system", "system must be a string or an array of text blocks");
    }
    for (int i = 0; i < system.size(); i++) {
      JsonNode block = system.get(i);
      if (!"text".equals(block.path("type").asText()) || !block.path("text").isTextual()) {
        throw RejectedException.invalidAt(
            "$.system[" + i + "]", "system blocks must be text blocks");
      }
      tally.text(Part.SYSTEM, block.get("text").asText());
    }
  }

  private void content(
      JsonNode content,
      String path,
      Part part,
      boolean countThinking,
      AnthropicRules rules,
      Tally tally) {
    if (content == null || content.isNull()) {
      return;
    }
    if (content.isTextual()) {
      tally.text(part, content.asText());
      return;
    }
    if (!content.isArray()) {
      throw RejectedException.invalidAt(path, BodyShapes.CONTENT_SHAPE);
    }
    for (int i = 0; i < content.size(); i++) {
      block(content.get(i), path + "[" + i + "]", part, countThinking, rules, tally);
    }
  }

  private void block(
      JsonNode block,
      String path,
      Part part,
      boolean countThinking,
      AnthropicRules rules,
      Tally tally) {
    if (!block.isObject()) {
      throw RejectedException.invalidAt(path, "content blocks must be objects");
    }
    String type = block.path("type").asText("");
    switch (type) {
      case "text" -> tally.text(part, requiredText(block, "text", path));
      case "image" -> image(block.get("source"), path + ".source", rules, tally);
      case "document" -> document(block, path, rules, tally);
      case "search_result" -> {
        tally.kind(ContentKind.DOCUMENTS);
        tally.add(part, Term.SEARCH_RESULT, 1);
        citations(block, part, tally);
        tally.text(part, block.path("source").asText(""));
        tally.text(part, block.path("title").asText(""));
        content(block.get("content"), path + ".content", part, countThinking, rules, tally);
      }
      case "tool_use", "server_tool_use", "mcp_tool_use" -> {
        tally.kind(ContentKind.TOOLS);
        tally.add(part, Term.TOOL_USE, 1);
        tally.text(part, block.path("name").asText(""));
        tally.json(part, block.path("input").toString());
      }
      case "tool_result", "mcp_tool_result" -> {
        tally.kind(ContentKind.TOOLS);
        tally.add(part, Term.TOOL_RESULT, 1);
        content(block.get("content"), path + ".content", part, countThinking, rules, tally);
      }
      case "tool_reference" -> tally.text(part, block.path("tool_name").asText(""));
      case "tool_addition" -> {
        // Brings a deferred tool into the context by reference; its definition is in $.tools.
        tally.kind(ContentKind.TOOLS);
        tally.text(part, block.path("tool").path("name").asText(""));
      }
      case "thinking" -> {
        if (countThinking) {
          tally.text(Part.THINKING, requiredText(block, "thinking", path));
        }
      }
      case "redacted_thinking" -> {
        if (countThinking) {
          // Encrypted: only its size is known. Base64 of UTF-8 text runs about 5 chars per token.
          tally.fixed(Part.THINKING, block.path("data").asText("").length() / 5);
          tally.weaken(
              CountMethod.HEURISTIC, "redacted_thinking is encrypted; estimated from its size");
        }
      }
      case "container_upload" -> {
        // A file reference for the code-execution container; the model does not read it as input.
      }
      default -> {
        if (type.endsWith("_tool_result")) {
          tally.kind(ContentKind.TOOLS);
          tally.add(part, Term.TOOL_RESULT, 1);
          tally.json(part, block.path("content").toString());
        } else {
          throw RejectedException.invalidAt(
              path + ".type", "unknown content block type \"" + type + "\"");
        }
      }
    }
  }

  private static void citations(JsonNode block, Part part, Tally tally) {
    if (block.path("citations").path("enabled").asBoolean(false)) {
      tally.add(part, Term.CITATIONS, 1);
    }
  }

  private void image(JsonNode source, String path, AnthropicRules rules, Tally tally) {
    tally.kind(ContentKind.IMAGES);
    tally.add(Part.IMAGES, Term.IMAGE, 1);
    String kind = source == null ? "" : source.path("type").asText("");
    switch (kind) {
      case "base64" -> {
        byte[] data = RequestMedia.decode(requiredText(source, "data", path), path + ".data");
        ImageSize size = RequestMedia.image(data, path + ".data");
        String declared = source.path("media_type").asText("");
        String actual = ImageSize.mediaType(data).orElseThrow();
        if (!declared.isEmpty() && !declared.equals(actual)) {
          throw RejectedException.invalidAt(
              path + ".media_type", "media_type is " + declared + " but the data is " + actual);
        }
        tally.fixed(
            Part.IMAGES,
            patches(size.width(), size.height(), rules.imageMaxEdgePx(), rules.imageMaxPatches()));
      }
      case "url", "file" -> {
        tally.fixed(Part.IMAGES, rules.imageMaxPatches());
        tally.weaken(
            CountMethod.HEURISTIC,
            "image at "
                + path
                + " has a "
                + kind
                + " source: counted at the model's largest image size");
      }
      default ->
          throw RejectedException.invalidAt(
              path + ".type", "image source type must be base64, url or file");
    }
  }

  private void document(JsonNode block, String path, AnthropicRules rules, Tally tally) {
    JsonNode source = block.get("source");
    String sourcePath = path + ".source";
    tally.kind(ContentKind.DOCUMENTS);
    tally.add(Part.DOCUMENTS, Term.DOCUMENT, 1);
    citations(block, Part.DOCUMENTS, tally);
    tally.text(Part.DOCUMENTS, block.path("title").asText(""));
    tally.text(Part.DOCUMENTS, block.path("context").asText(""));
    String kind = source == null ? "" : source.path("type").asText("");
    switch (kind) {
      case "base64" -> {
        byte[] data =
            RequestMedia.decode(requiredText(source, "data", sourcePath), sourcePath + ".data");
        PdfDocument pdf = RequestMedia.pdf(data, sourcePath + ".data");
        tally.fixed(Part.DOCUMENTS, PAGE_IMAGE_PATCHES * pdf.pages());
        tally.add(Part.DOCUMENTS, Term.PDF_PAGE, pdf.pages());
        tally.text(Part.DOCUMENTS, pdf.text());
      }
      case "text" -> tally.text(Part.DOCUMENTS, requiredText(source, "data", sourcePath));
      case "content" ->
          content(
              source.get("content"), sourcePath + ".content", Part.DOCUMENTS, false, rules, tally);
      case "url", "file" ->
          tally.weaken(
              CountMethod.HEURISTIC,
              "document at "
                  + path
                  + " has a "
                  + kind
                  + " source: its pages cannot be read locally and count 0");
      default ->
          throw RejectedException.invalidAt(
              sourcePath + ".type",
              "document source type must be base64, text, content, url or file");
    }
  }

  private void tools(
      JsonNode tools, JsonNode choice, ModelSpec model, AnthropicRules rules, Tally tally) {
    if (tools == null || tools.isNull() || tools.isEmpty()) {
      return;
    }
    if (!tools.isArray()) {
      throw RejectedException.invalidAt("$.tools", "tools must be an array");
    }
    tally.kind(ContentKind.TOOLS);
    String choiceType = choice == null ? "auto" : choice.path("type").asText("auto");
    if (model.toolPrompt() != null) {
      boolean forced = choiceType.equals("any") || choiceType.equals("tool");
      tally.fixed(Part.TOOLS, forced ? model.toolPrompt().any() : model.toolPrompt().auto());
    }
    if (choiceType.equals("none")) {
      tally.add(Part.TOOLS, Term.TOOL_CHOICE_NONE, 1);
    }
    if (choice != null && choice.path("disable_parallel_tool_use").asBoolean(false)) {
      tally.add(Part.TOOLS, Term.NO_PARALLEL_TOOLS, 1);
    }
    for (int i = 0; i < tools.size(); i++) {
      JsonNode tool = tools.get(i);
      String type = tool.path("type").asText("custom");
      String path = "$.tools[" + i + "]";
      Term defined = definedTool(type);
      if (type.equals("custom")) {
        tally.add(Part.TOOLS, Term.TOOL_DEFINITION, 1);
        if (tool.path("strict").asBoolean(false)) {
          tally.add(Part.TOOLS, Term.STRICT_TOOL, 1);
        }
        tally.toolText(requiredText(tool, "name", path));
        tally.toolText(tool.path("description").asText(""));
        JsonNode schema = tool.path("input_schema");
        tally.toolText(schema.toString());
        tally.add(Part.TOOLS, Term.SCHEMA_PROPERTY, properties(schema));
      } else if (defined != null) {
        tally.add(Part.TOOLS, defined, 1);
        if (rules.coefficients().of(defined) == 0) {
          tally.weaken(
              CountMethod.HEURISTIC,
              "tool type " + type + " has no recorded or published cost for this model family");
        } else if (rules.unrecorded().contains(defined)) {
          tally.weaken(
              CountMethod.HEURISTIC,
              "tool type "
                  + type
                  + " is counted at the vendor's published cost; no recorded count checks it");
        }
      } else {
        tally.toolText(tool.toString());
        String why =
            SERVER_TOOL_PREFIXES.stream().anyMatch(type::startsWith)
                ? "is a server tool that count_tokens does not count"
                : "has no published definition cost";
        tally.weaken(
            CountMethod.HEURISTIC,
            "tool type " + type + " " + why + "; counted as its definition text");
      }
    }
  }

  private static Term definedTool(String type) {
    for (Map.Entry<String, Term> e : DEFINED_TOOLS.entrySet()) {
      if (type.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return null;
  }

  /** Properties of a JSON schema at any depth: each is rendered with its own template. */
  static int properties(JsonNode schema) {
    int n = 0;
    JsonNode properties = schema.get("properties");
    if (properties != null && properties.isObject()) {
      for (JsonNode property : properties) {
        n += 1 + properties(property);
      }
    }
    JsonNode items = schema.get("items");
    if (items != null && items.isObject()) {
      n += properties(items);
    }
    for (String nested : new String[] {"$defs", "definitions"}) {
      JsonNode defs = schema.get(nested);
      if (defs != null && defs.isObject()) {
        for (JsonNode def : defs) {
          n += properties(def);
        }
      }
    }
    for (String combinator : new String[] {"anyOf", "oneOf", "allOf"}) {
      for (JsonNode option : schema.path(combinator)) {
        n += properties(option);
      }
    }
    return n;
  }

  private void structuredOutput(JsonNode body, Tally tally) {
    if (body.path("output_config").has("task_budget")) {
      tally.add(Part.SYSTEM, Term.TASK_BUDGET, 1);
    }
    JsonNode format = body.path("output_format");
    if (format.isMissingNode()) {
      format = body.path("output_config").path("format");
    }
    JsonNode schema = format.path("schema");
    if (!schema.isMissingNode()) {
      tally.add(Part.SYSTEM, Term.STRUCTURED_OUTPUT, 1);
      tally.schema(schema.toString());
      tally.add(Part.SYSTEM, Term.SCHEMA_PROPERTY, properties(schema));
    }
  }

  private void mcpServers(JsonNode servers, Tally tally) {
    if (servers != null && servers.isArray() && !servers.isEmpty()) {
      tally.weaken(
          CountMethod.HEURISTIC,
          "mcp_servers: the tools they provide are only known to the vendor and are not counted");
    }
  }

  /**
   * 28-px patches after the vendor's downscale: the largest size with the same aspect ratio whose
   * long edge and patch grid both fit the model's caps. Reproduces the published measurements for
   * both caps (e.g. 1920x1080 gives 52x30 = 1560 under 1568, 4000x3000 gives 79x60 = 4740 under
   * 4784).
   */
  static long patches(int width, int height, int maxEdge, int maxPatches) {
    int longSide = Math.max(width, height);
    int shortSide = Math.min(width, height);
    long full = grid(longSide, shortSide);
    if (longSide <= maxEdge && full <= maxPatches) {
      return full;
    }
    double aspect = (double) shortSide / longSide;
    for (int edge = Math.min(maxEdge, longSide); edge > 0; edge--) {
      int other = Math.max(1, (int) Math.round(edge * aspect));
      long patches = grid(edge, other);
      if (patches <= maxPatches) {
        return patches;
      }
    }
    return 1;
  }

  private static long grid(int a, int b) {
    return (long) ((a + 27) / 28) * ((b + 27) / 28);
  }

  private static String requiredText(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw RejectedException.invalidAt(path + "." + field, "\"" + field + "\" must be a string");
    }
    return value.asText();
  }
}
