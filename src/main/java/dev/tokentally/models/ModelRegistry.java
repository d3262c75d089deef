package dev.tokentally.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Model ids and aliases to counting rules, limits and prices. The shipped file is {@code
 * /models/models.json}; a user file with the same layout is merged over it (same id replaces,
 * family with the same name replaces). Lookups accept the spellings gateways and SDKs use: {@code
 * models/} and path prefixes, {@code vertexai/}-style provider prefixes, dated ids and
 * Vertex/Bedrock suffixes.
 */
public final class ModelRegistry {
  private static final String RESOURCE = "/models/models.json";
  private static final Pattern DATE_SUFFIX = Pattern.compile("-(\\d{8})$");
  private static final Pattern BEDROCK_SUFFIX = Pattern.compile("-v\\d+(:\\d+)?$");

  private final Map<String, ModelSpec> byName;
  private final Map<String, ModelSpec> fallbacks;

  private ModelRegistry(Map<String, ModelSpec> byName, Map<String, ModelSpec> fallbacks) {
    this.byName = byName;
    this.fallbacks = fallbacks;
  }

  /** The shipped registry, no user file, no fallbacks. */
  public static ModelRegistry builtIn() {
    return load(null, Map.of());
  }

  /**
   * @param userFile optional JSON file merged over the shipped one
   * @param fallbackModels vendor ({@code anthropic}, {@code gemini}) to the id of a known model
   *     whose rules count unknown models of that vendor, labelled as estimates
   */
  public static ModelRegistry load(Path userFile, Map<String, String> fallbackModels) {
    ObjectMapper mapper = new ObjectMapper();
    Map<String, JsonNode> families = new LinkedHashMap<>();
    Map<String, JsonNode> models = new LinkedHashMap<>();
    try (InputStream in = ModelRegistry.class.getResourceAsStream(RESOURCE)) {
      collect(mapper.readTree(in), families, models);
      if (userFile != null) {
        collect(mapper.readTree(Files.readAllBytes(userFile)), families, models);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model registry", e);
    }
    Map<String, CountingRules> rules = new HashMap<>();
    Map<String, String> vendors = new HashMap<>();
    families.forEach(
        (name, node) -> {
          rules.put(name, rules(name, node));
          vendors.put(name, text(node, "vendor"));
        });
    Map<String, ModelSpec> byName = new HashMap<>();
    for (JsonNode node : models.values()) {
      ModelSpec spec = spec(node, rules, vendors);
      byName.put(normalise(spec.id()), spec);
      for (JsonNode alias : node.path("aliases")) {
        byName.put(normalise(alias.asText()), spec);
      }
    }
    Map<String, ModelSpec> fallbacks = new HashMap<>();
    fallbackModels.forEach(
        (vendor, id) -> {
          ModelSpec spec = byName.get(normalise(id));
          if (spec == null || !spec.vendor().equals(vendor)) {
            throw new IllegalArgumentException(
                "fallback model for " + vendor + " is not a known " + vendor + " model: " + id);
          }
          fallbacks.put(vendor, spec);
        });
    return new ModelRegistry(Map.copyOf(byName), Map.copyOf(fallbacks));
  }

  private static void collect(
      JsonNode root, Map<String, JsonNode> families, Map<String, JsonNode> models) {
    root.path("families").properties().forEach(e -> families.put(e.getKey(), e.getValue()));
    for (JsonNode model : root.path("models")) {
      models.put(text(model, "id"), model);
    }
  }

  /**
   * The model a request names, or empty when the registry does not know it. A name that is not
   * registered resolves to its longest registered prefix that ends at a {@code -} (so {@code
   * gemini-2.0-flash-thinking-exp-01-21} is a {@code gemini-2.0-flash}), marked as a variant;
   * vendors publish such suffixed names for the same model and tokenizer.
   */
  public Optional<ModelSpec> find(String requested) {
    if (requested == null || requested.isBlank()) {
      return Optional.empty();
    }
    String name = normalise(requested);
    ModelSpec spec = byName.get(name);
    if (spec == null) {
      spec = byName.get(DATE_SUFFIX.matcher(name).replaceFirst(""));
    }
    if (spec != null) {
      return Optional.of(spec);
    }
    for (int dash = name.lastIndexOf('-'); dash > 0; dash = name.lastIndexOf('-', dash - 1)) {
      ModelSpec base = byName.get(name.substring(0, dash));
      if (base != null) {
        return Optional.of(base.asVariant(requested));
      }
    }
    return Optional.empty();
  }

  /**
   * The model to count with: the known model, else the vendor's configured fallback (labelled an
   * estimate), else empty, which callers turn into {@code unknown_model}.
   */
  public Optional<ModelSpec> resolve(String requested, String vendor) {
    Optional<ModelSpec> known = find(requested).filter(s -> s.vendor().equals(vendor));
    if (known.isPresent()) {
      return known;
    }
    ModelSpec fallback = fallbacks.get(vendor);
    if (fallback == null || requested == null || requested.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(fallback.asEstimateFor(requested));
  }

  /** Every canonical model, for documentation and the HTTP model list. */
  public List<ModelSpec> models() {
    Map<String, ModelSpec> unique = new LinkedHashMap<>();
    byName.values().forEach(s -> unique.putIfAbsent(s.id(), s));
    List<ModelSpec> out = new ArrayList<>(unique.values());
    out.sort(java.util.Comparator.comparing(ModelSpec::id));
    return out;
  }

  /**
   * Reduces the spellings in the wild to one key: {@code models/gemini-2.5-flash}, {@code
   * vertexai/gemini-2.5-flash}, {@code projects/p/locations/l/publishers/google/models/x}, {@code
   * anthropic.claude-3-5-sonnet-20241022-v2:0} (Bedrock) and {@code claude-3-5-sonnet-v2@20241022}
   * (Vertex).
   */
  static String normalise(String id) {
    String name = id.trim().toLowerCase(Locale.ROOT);
    int slash = name.lastIndexOf('/');
    if (slash >= 0) {
      name = name.substring(slash + 1);
    }
    if (name.startsWith("anthropic.")) {
      name = BEDROCK_SUFFIX.matcher(name.substring("anthropic.".length())).replaceFirst("");
    }
    int at = name.indexOf('@');
    if (at >= 0) {
      String date = name.substring(at + 1);
      name = name.substring(0, at).replaceFirst("-v\\d+$", "");
      if (date.matches("\\d{8}")) {
        name = name + "-" + date;
      }
    }
    return name;
  }

  private static CountingRules rules(String family, JsonNode node) {
    String vendor = text(node, "vendor");
    CountMethod method = CountMethod.valueOf(text(node, "method").toUpperCase(Locale.ROOT));
    String tokenizer = text(node, "tokenizer");
    Coefficients coefficients = coefficients(family, node.get("terms"));
    Map<ContentKind, Double> errorPct = new HashMap<>();
    node.path("error_pct")
        .properties()
        .forEach(e -> errorPct.put(ContentKind.ofKey(e.getKey()), e.getValue().asDouble()));
    return switch (vendor) {
      case "anthropic" ->
          new AnthropicRules(
              tokenizer,
              method,
              coefficients,
              (int) number(node, "image_max_edge_px"),
              (int) number(node, "image_max_patches"),
              terms(family, node.path("unrecorded")),
              errorPct);
      case "gemini" -> {
        Map<String, Integer> resolutions = new HashMap<>();
        node.path("image_tokens_by_resolution")
            .properties()
            .forEach(e -> resolutions.put(e.getKey(), e.getValue().asInt()));
        Coefficients countTokens = coefficients;
        if (node.has("count_tokens_terms")) {
          ObjectNode merged = node.get("terms").deepCopy();
          merged.setAll((ObjectNode) node.get("count_tokens_terms"));
          countTokens = coefficients(family, merged);
        }
        yield new GeminiRules(
            tokenizer,
            method,
            coefficients,
            countTokens,
            (int) number(node, "image_tokens"),
            resolutions,
            (int) number(node, "pdf_page_tokens"),
            number(node, "audio_tokens_per_second"),
            number(node, "video_tokens_per_second"),
            node.path("image_tile_px").asInt(0),
            errorPct);
      }
      default ->
          throw new IllegalArgumentException("family " + family + ": unknown vendor " + vendor);
    };
  }

  private static java.util.Set<Term> terms(String family, JsonNode names) {
    java.util.Set<Term> out = java.util.EnumSet.noneOf(Term.class);
    for (JsonNode name : names) {
      out.add(term(family, name.asText()));
    }
    return out;
  }

  private static Term term(String family, String key) {
    try {
      return Term.ofKey(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("family " + family + ": unknown term \"" + key + "\"");
    }
  }

  private static Coefficients coefficients(String family, JsonNode terms) {
    if (terms == null || !terms.isObject()) {
      throw new IllegalArgumentException("family " + family + ": missing object \"terms\"");
    }
    Map<Term, Double> byTerm = new java.util.EnumMap<>(Term.class);
    terms
        .properties()
        .forEach(
            e -> {
              Term term = term(family, e.getKey());
              if (!e.getValue().isNumber()) {
                throw new IllegalArgumentException(
                    "family " + family + ": term " + e.getKey() + " must be a number");
              }
              byTerm.put(term, e.getValue().asDouble());
            });
    return new Coefficients(byTerm);
  }

  private static ModelSpec spec(
      JsonNode node, Map<String, CountingRules> rules, Map<String, String> vendors) {
    String id = text(node, "id");
    String family = text(node, "family");
    CountingRules familyRules = rules.get(family);
    if (familyRules == null) {
      throw new IllegalArgumentException("model " + id + ": unknown family " + family);
    }
    JsonNode tool = node.get("tool_prompt");
    List<ModelSpec.Price> prices = new ArrayList<>();
    for (JsonNode price : node.path("prices")) {
      prices.add(
          new ModelSpec.Price(
              LocalDate.parse(text(price, "from")), number(price, "input_usd_per_mtok")));
    }
    return new ModelSpec(
        id,
        vendors.get(family),
        family,
        familyRules,
        (long) number(node, "context_window"),
        (long) number(node, "max_output"),
        tool == null
            ? null
            : new ModelSpec.ToolPrompt((int) number(tool, "auto"), (int) number(tool, "any")),
        node.path("keeps_prior_thinking").asBoolean(false),
        prices,
        false,
        null);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IllegalArgumentException(
          "model registry: missing text field " + field + " in " + node);
    }
    return value.asText();
  }

  private static double number(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber()) {
      throw new IllegalArgumentException("model registry: missing number " + field + " in " + node);
    }
    return value.asDouble();
  }
}
