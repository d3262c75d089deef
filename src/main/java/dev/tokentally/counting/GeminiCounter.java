package dev.tokentally.counting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tokentally.counting.Tally.Part;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.media.ImageSize;
import dev.tokentally.media.MediaDuration;
import dev.tokentally.media.PdfDocument;
import dev.tokentally.models.ContentKind;
import dev.tokentally.models.CountMethod;
import dev.tokentally.models.GeminiRules;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.models.Term;
import dev.tokentally.request.LlmRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gemini's count for generateContent / countTokens / Interactions bodies, as terms for the family's
 * coefficients (generateContent's or countTokens' accounting): Gemma tokens of every text part,
 * roles, images and PDF pages by the family's rules, tokens per second of audio and video, function
 * declarations, calls and their thought signatures. Accepts camelCase and snake_case field names,
 * as the API does.
 */
final class GeminiCounter {
  private final TextCounter text;

  GeminiCounter(TextCounter text) {
    this.text = text;
  }

  /**
   * @param countTokens whether the request is a countTokens call, answered with the vendor's
   *     countTokens accounting instead of generateContent's
   */
  TokenCount count(
      LlmRequest request, ModelSpec model, boolean countTokens, TextCorrection correction) {
    GeminiRules rules = (GeminiRules) model.rules();
    Tally tally = Tally.forModel(model, text);
    JsonNode inner = request.content();
    String prefix = request.contentPath();
    String defaultResolution =
        textOrNull(field(field(inner, "generationConfig"), "mediaResolution"));
    Context context = new Context(rules, defaultResolution, tally, false, new ArrayList<>());

    JsonNode system = field(inner, "systemInstruction");
    if (system != null && !system.isNull()) {
      systemInstruction(system, prefix + ".systemInstruction", context);
    }
    JsonNode contents = loneAsArray(field(inner, "contents"));
    if (contents != null && contents.isArray()) {
      int turn = currentTurnStart(contents);
      for (int i = 0; i < contents.size(); i++) {
        content(
            contents.get(i),
            prefix + ".contents[" + i + "]",
            Part.MESSAGES,
            i >= turn ? context.inCurrentTurn() : context);
      }
    }
    JsonNode input = field(inner, "input");
    if (input != null) {
      interactionsInput(input, prefix + ".input", context);
    }
    tools(field(inner, "tools"), prefix + ".tools", context);
    JsonNode config = field(inner, "generationConfig");
    // responseSchema is rendered into the prompt; responseJsonSchema is not: recorded counts do
    // not move with its size.
    JsonNode schema = field(config, "responseSchema");
    if (schema != null && !schema.isNull()) {
      tally.add(Part.SYSTEM, Term.STRUCTURED_OUTPUT, 1);
      tally.schema(schema.toString());
    }
    if (field(inner, "cachedContent") != null) {
      tally.note(
          "cachedContent is not part of totalTokens; its size is reported by the vendor only");
    }
    priceVisuals(context, countTokens);
    return tally.result(
        rules, countTokens ? rules.countTokensCoefficients() : rules.coefficients(), correction);
  }

  /**
   * @param currentTurn whether the content belongs to the current turn: the one after the last user
   *     message that is more than function responses
   */
  private record Context(
      GeminiRules rules,
      String defaultResolution,
      Tally tally,
      boolean currentTurn,
      List<Visual> visuals) {
    Context inCurrentTurn() {
      return new Context(rules, defaultResolution, tally, true, visuals);
    }
  }

  /** An image or a PDF page, priced once the whole request has been read. */
  private record Visual(Part part, String resolution, int width, int height) {}

  /**
   * A lone image or page is tiled by its size where the family tiles, in what generateContent
   * bills; with more than one in the request, each costs a single image (recorded counts: the same
   * 612x792 pt PDF costs 1,290 tokens alone and 258 beside a second one), and countTokens answers a
   * single image for each (the published 2048x1362 image counts 258).
   */
  private static void priceVisuals(Context cx, boolean countTokens) {
    boolean tiled = cx.visuals.size() == 1 && !countTokens;
    for (Visual v : cx.visuals) {
      cx.tally.fixed(
          v.part(),
          tiled
              ? cx.rules.imageTokens(v.resolution(), v.width(), v.height())
              : cx.rules.imageTokens(v.resolution()));
    }
  }

  /**
   * The index of the last user content that starts a turn (anything but function responses). The
   * model rereads the thinking of its function calls only within the current turn: thought
   * signatures from before it cost nothing in recorded counts.
   */
  private static int currentTurnStart(JsonNode contents) {
    for (int i = contents.size() - 1; i >= 0; i--) {
      JsonNode content = contents.get(i);
      if (!"user".equals(content.path("role").asText("user"))) {
        continue;
      }
      JsonNode parts = content.get("parts");
      if (parts == null || !parts.isArray()) {
        return i;
      }
      for (JsonNode part : parts) {
        if (field(part, "functionResponse") == null) {
          return i;
        }
      }
    }
    return 0;
  }

  private void systemInstruction(JsonNode system, String path, Context cx) {
    if (system.isTextual()) {
      cx.tally.text(Part.SYSTEM, system.asText());
    } else if (system.has("Text") || system.has("text")) {
      // The Interactions shape: {"Text": "..."}.
      cx.tally.text(Part.SYSTEM, system.path(system.has("Text") ? "Text" : "text").asText());
    } else {
      content(system, path, Part.SYSTEM, cx);
    }
  }

  private void content(JsonNode content, String path, Part part, Context cx) {
    if (!content.isObject()) {
      throw RejectedException.invalidAt(path, "each content must be an object");
    }
    JsonNode role = content.get("role");
    if (role != null && !role.isNull()) {
      String name = role.asText("");
      if (!name.equals("user")
          && !name.equals("model")
          && !name.equals("function")
          && !name.equals("system")) {
        throw RejectedException.invalidAt(
            path + ".role", "role must be \"user\" or \"model\", got \"" + name + "\"");
      }
      cx.tally.add(Part.OVERHEAD, Term.ROLE, 1);
    }
    JsonNode parts = content.get("parts");
    if (parts == null || parts.isNull()) {
      return;
    }
    parts = loneAsArray(parts);
    if (!parts.isArray()) {
      throw RejectedException.invalidAt(path + ".parts", "parts must be an array or an object");
    }
    boolean media = false;
    boolean textPart = false;
    for (int i = 0; i < parts.size(); i++) {
      Kind kind = part(parts.get(i), path + ".parts[" + i + "]", part, cx);
      media |= kind == Kind.MEDIA;
      textPart |= kind == Kind.TEXT;
    }
    if (media && textPart) {
      cx.tally.add(Part.OVERHEAD, Term.MIXED_MEDIA, 1);
    }
  }

  private enum Kind {
    TEXT,
    MEDIA,
    OTHER
  }

  private Kind part(JsonNode part, String path, Part category, Context cx) {
    if (!part.isObject()) {
      throw RejectedException.invalidAt(path, "each part must be an object");
    }
    JsonNode signature = field(part, "thoughtSignature");
    JsonNode textNode = part.get("text");
    if (textNode != null) {
      if (!textNode.isTextual()) {
        throw RejectedException.invalidAt(path + ".text", "text must be a string");
      }
      boolean thought = part.path("thought").asBoolean(false);
      cx.tally.text(thought ? Part.THINKING : category, textNode.asText());
      return Kind.TEXT;
    }
    String resolution = resolution(field(part, "mediaResolution"), cx.defaultResolution);
    JsonNode inline = field(part, "inlineData");
    if (inline != null) {
      inlineData(inline, field(part, "videoMetadata"), resolution, path + ".inlineData", cx);
      return Kind.MEDIA;
    }
    JsonNode file = field(part, "fileData");
    if (file != null) {
      fileData(file, resolution, path + ".fileData", cx);
      return Kind.MEDIA;
    }
    JsonNode call = field(part, "functionCall");
    if (call != null && cx.currentTurn && signature != null && signature.isTextual()) {
      // The signature on a function call of the current turn restores the thinking behind it, and
      // recorded counts grow with its length; on a text part, or in an earlier turn, it is free.
      cx.tally.add(Part.THINKING, Term.SIGNATURE_KB, signature.asText().length() / 1024.0);
    }
    if (call == null) {
      call = field(part, "functionResponse");
    }
    if (call != null) {
      cx.tally.kind(ContentKind.TOOLS);
      cx.tally.text(category, call.path("name").asText(""));
      JsonNode args = call.has("args") ? call.get("args") : call.get("response");
      if (args != null) {
        cx.tally.json(category, args.toString());
      }
      JsonNode nested = call.get("parts");
      if (nested != null && nested.isArray()) {
        // A multimodal function response carries its images and files as parts of its own.
        for (int i = 0; i < nested.size(); i++) {
          part(nested.get(i), path + ".functionResponse.parts[" + i + "]", category, cx);
        }
      }
      cx.tally.add(Part.OVERHEAD, Term.FUNCTION_CALL, 1);
      cx.tally.weaken(CountMethod.CALIBRATED, null);
      return Kind.OTHER;
    }
    JsonNode code = field(part, "executableCode");
    if (code != null) {
      cx.tally.text(category, code.path("code").asText(""));
      return Kind.TEXT;
    }
    JsonNode result = field(part, "codeExecutionResult");
    if (result != null) {
      cx.tally.text(category, result.path("output").asText(""));
      return Kind.TEXT;
    }
    if (signature != null) {
      return Kind.OTHER;
    }
    throw RejectedException.invalidAt(
        path,
        "part has no text, inlineData, fileData, functionCall, functionResponse, executableCode or codeExecutionResult");
  }

  private void inlineData(
      JsonNode inline, JsonNode videoMetadata, String resolution, String path, Context cx) {
    String mime = mime(inline, path);
    JsonNode dataNode = inline.get("data");
    if (dataNode == null || !dataNode.isTextual()) {
      throw RejectedException.invalidAt(path + ".data", "data must be a base64 string");
    }
    byte[] data = RequestMedia.decodeEitherAlphabet(dataNode.asText(), path + ".data");
    if (mime.startsWith("image/")) {
      ImageSize size = RequestMedia.image(data, path + ".data");
      cx.tally.kind(ContentKind.IMAGES);
      cx.visuals.add(new Visual(Part.IMAGES, resolution, size.width(), size.height()));
      return;
    }
    cx.tally.kind(ContentKind.DOCUMENTS);
    if (mime.equals("application/pdf")) {
      PdfDocument pdf = RequestMedia.pdf(data, path + ".data");
      if (cx.rules.imageTilePx() > 0) {
        int width = (int) Math.round(pdf.pageWidth());
        int height = (int) Math.round(pdf.pageHeight());
        for (int page = 0; page < pdf.pages(); page++) {
          cx.visuals.add(new Visual(Part.DOCUMENTS, resolution, width, height));
        }
      } else {
        cx.tally.fixed(Part.DOCUMENTS, (long) pdf.pages() * cx.rules.pdfPageTokens());
      }
    } else if (mime.startsWith("audio/") || mime.startsWith("video/")) {
      boolean video = mime.startsWith("video/");
      double perSecond = video ? cx.rules.videoTokensPerSecond() : cx.rules.audioTokensPerSecond();
      double seconds = clip(MediaDuration.seconds(data).orElse(Double.NaN), videoMetadata);
      if (Double.isNaN(seconds)) {
        cx.tally.weaken(
            CountMethod.HEURISTIC,
            mime + " at " + path + ": duration unreadable from its header; estimated at 16 kB/s");
        seconds = data.length / 16_000.0;
      }
      cx.tally.fixed(video ? Part.VIDEO : Part.AUDIO, (long) Math.ceil(seconds * perSecond));
    } else if (mime.startsWith("text/") || mime.equals("application/json")) {
      cx.tally.text(Part.DOCUMENTS, new String(data, StandardCharsets.UTF_8));
    } else {
      throw RejectedException.invalidAt(path + ".mimeType", "unsupported mimeType " + mime);
    }
  }

  private void fileData(JsonNode file, String resolution, String path, Context cx) {
    String mime = mime(file, path);
    if (mime.startsWith("image/")) {
      // Images cost the same whatever their size, so a file reference counts exactly.
      cx.tally.kind(ContentKind.IMAGES);
      cx.tally.fixed(Part.IMAGES, cx.rules.imageTokens(resolution));
    } else {
      cx.tally.kind(ContentKind.DOCUMENTS);
      cx.tally.weaken(
          CountMethod.HEURISTIC,
          mime + " file at " + path + " is not readable locally; its pages or duration count 0");
    }
  }

  private void interactionsInput(JsonNode input, String path, Context cx) {
    if (input.isTextual()) {
      cx.tally.text(Part.MESSAGES, input.asText());
      cx.tally.add(Part.OVERHEAD, Term.ROLE, 1);
      return;
    }
    if (!input.isArray()) {
      throw RejectedException.invalidAt(path, "input must be a string or an array");
    }
    for (int i = 0; i < input.size(); i++) {
      JsonNode item = input.get(i);
      String itemPath = path + "[" + i + "]";
      if (item.has("parts") || item.has("role") && !item.has("content")) {
        content(item, itemPath, Part.MESSAGES, cx);
      } else if (item.has("content")) {
        // A turn: {"role": ..., "content": string | [items]}.
        cx.tally.add(Part.OVERHEAD, Term.ROLE, 1);
        JsonNode content = item.get("content");
        if (content.isTextual()) {
          cx.tally.text(Part.MESSAGES, content.asText());
        } else {
          for (JsonNode c : content) {
            cx.tally.text(Part.MESSAGES, c.path("text").asText(""));
          }
        }
      } else {
        cx.tally.text(Part.MESSAGES, item.path("text").asText(""));
      }
    }
  }

  private void tools(JsonNode given, String path, Context cx) {
    JsonNode tools = loneAsArray(given);
    if (tools == null || !tools.isArray()) {
      return;
    }
    boolean declared = false;
    for (int i = 0; i < tools.size(); i++) {
      JsonNode declarations = field(tools.get(i), "functionDeclarations");
      if (declarations == null) {
        continue; // googleSearch, codeExecution, urlContext: no input tokens observed
      }
      for (JsonNode declaration : declarations) {
        declared = true;
        cx.tally.add(Part.TOOLS, Term.FUNCTION_DECLARATION, 1);
        cx.tally.toolText(declaration.path("name").asText(""));
        cx.tally.toolText(declaration.path("description").asText(""));
        JsonNode schema = field(declaration, "parameters");
        if (schema == null) {
          schema = field(declaration, "parametersJsonSchema");
        }
        if (schema != null) {
          schemaText(schema, cx);
        }
      }
    }
    if (declared) {
      cx.tally.kind(ContentKind.TOOLS);
      cx.tally.add(Part.TOOLS, Term.TOOLS, 1);
      cx.tally.weaken(CountMethod.CALIBRATED, null);
    }
  }

  /** Property names, types, descriptions and enums: the words of a schema the template renders. */
  private void schemaText(JsonNode schema, Context cx) {
    JsonNode properties = schema.get("properties");
    if (properties != null) {
      properties
          .properties()
          .forEach(
              e -> {
                cx.tally.add(Part.TOOLS, Term.SCHEMA_PROPERTY, 1);
                cx.tally.toolText(e.getKey());
                schemaText(e.getValue(), cx);
              });
    }
    JsonNode type = schema.get("type");
    if (type != null && type.isTextual()) {
      cx.tally.toolText(type.asText().toLowerCase(Locale.ROOT));
    }
    JsonNode description = schema.get("description");
    if (description != null && description.isTextual()) {
      cx.tally.toolText(description.asText());
    }
    for (JsonNode value : schema.path("enum")) {
      cx.tally.toolText(value.asText());
    }
    JsonNode items = schema.get("items");
    if (items != null && items.isObject()) {
      schemaText(items, cx);
    }
  }

  private static double clip(double seconds, JsonNode videoMetadata) {
    if (videoMetadata == null || Double.isNaN(seconds)) {
      return seconds;
    }
    double start = offset(field(videoMetadata, "startOffset"), 0);
    double end = offset(field(videoMetadata, "endOffset"), seconds);
    return Math.max(0, Math.min(end, seconds) - Math.max(0, start));
  }

  private static double offset(JsonNode node, double fallback) {
    if (node == null || !node.isTextual() || !node.asText().endsWith("s")) {
      return fallback;
    }
    try {
      return Double.parseDouble(node.asText().substring(0, node.asText().length() - 1));
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  private static String resolution(JsonNode partResolution, String fallback) {
    if (partResolution == null) {
      return fallback;
    }
    if (partResolution.isTextual()) {
      return partResolution.asText();
    }
    return textOrNull(partResolution.get("level"));
  }

  private static String mime(JsonNode node, String path) {
    JsonNode mime = field(node, "mimeType");
    if (mime == null || !mime.isTextual()) {
      throw RejectedException.invalidAt(path + ".mimeType", "mimeType must be a string");
    }
    return mime.asText().toLowerCase(Locale.ROOT);
  }

  private static String textOrNull(JsonNode node) {
    return node == null || !node.isTextual() ? null : node.asText();
  }

  /**
   * The API's JSON reader takes a lone object for a repeated field ({@code contents}, {@code
   * parts}, {@code tools}), and recorded calls rely on it: read it as an array of one.
   */
  private static JsonNode loneAsArray(JsonNode node) {
    return node != null && node.isObject() ? JsonNodeFactory.instance.arrayNode().add(node) : node;
  }

  /** Looks a field up by its camelCase name, then by its snake_case spelling. */
  static JsonNode field(JsonNode node, String camel) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(camel);
    return value != null
        ? value
        : node.get(SNAKE_CASE.computeIfAbsent(camel, GeminiCounter::snake));
  }

  /** The handful of field names looked up, so the hot path does not rebuild their spelling. */
  private static final Map<String, String> SNAKE_CASE = new ConcurrentHashMap<>();

  static String snake(String camel) {
    StringBuilder out = new StringBuilder(camel.length() + 4);
    for (int i = 0; i < camel.length(); i++) {
      char c = camel.charAt(i);
      if (Character.isUpperCase(c)) {
        out.append('_').append(Character.toLowerCase(c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
