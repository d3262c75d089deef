package dev.tokentally.models;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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

  /** The longest registered name: no longer prefix of a requested name can be one. */
  private final int longestName;

  private ModelRegistry(Map<String, ModelSpec> byName, Map<String, ModelSpec> fallbacks) {
    this.byName = byName;
    this.fallbacks = fallbacks;
    this.longestName = byName.keySet().stream().mapToInt(String::length).max().orElse(0);
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
    try {
      return parse(userFile == null ? null : Files.readAllBytes(userFile), fallbackModels);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model registry: " + e.getMessage(), e);
    }
  }

  /**
   * The shipped registry with a user file's content merged over it, as {@link #load} reads it.
   *
   * @param userFile the user file's bytes, or null for none
   * @throws UncheckedIOException when a file is not JSON of the registry's layout
   * @throws IllegalArgumentException when an entry lacks a field or names what is not there
   */
  public static ModelRegistry parse(byte[] userFile, Map<String, String> fallbackModels) {
    Map<String, RegistryFile.Family> families = new LinkedHashMap<>();
    Map<String, RegistryFile.Model> models = new LinkedHashMap<>();
    try (InputStream in = ModelRegistry.class.getResourceAsStream(RESOURCE)) {
      collect(RegistryFile.read(in), families, models);
      if (userFile != null) {
        collect(RegistryFile.read(userFile), families, models);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model registry: " + e.getMessage(), e);
    }
    Map<String, CountingRules> rules = new HashMap<>();
    families.forEach((name, family) -> rules.put(name, rules(name, family)));
    Map<String, ModelSpec> byName = new HashMap<>();
    for (RegistryFile.Model model : models.values()) {
      ModelSpec spec = spec(model, rules, families);
      byName.put(normalise(spec.id()), spec);
      if (model.aliases() != null) {
        model.aliases().forEach(alias -> byName.put(normalise(alias), spec));
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

  /** A later file replaces a family of the same name and a model of the same id. */
  private static void collect(
      RegistryFile file,
      Map<String, RegistryFile.Family> families,
      Map<String, RegistryFile.Model> models) {
    families.putAll(file.families());
    for (RegistryFile.Model model : file.models()) {
      models.put(required(model.id(), "a model's id", "models"), model);
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
    // Only prefixes as short as a registered name: a model name of a million dashes would
    // otherwise copy and hash a million prefixes of itself (quadratic in the record).
    for (int dash = name.lastIndexOf('-', longestName);
        dash > 0;
        dash = name.lastIndexOf('-', dash - 1)) {
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
    out.sort(Comparator.comparing(ModelSpec::id));
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

  private static CountingRules rules(String name, RegistryFile.Family f) {
    String where = "family " + name;
    String vendor = required(f.vendor(), "vendor", where);
    CountMethod method =
        CountMethod.valueOf(required(f.method(), "method", where).toUpperCase(Locale.ROOT));
    String tokenizer = required(f.tokenizer(), "tokenizer", where);
    Coefficients coefficients = coefficients(name, required(f.terms(), "terms", where), Map.of());
    Map<ContentKind, Double> errorPct = new EnumMap<>(ContentKind.class);
    if (f.errorPct() != null) {
      f.errorPct().forEach((kind, pct) -> errorPct.put(ContentKind.ofKey(kind), pct));
    }
    return switch (vendor) {
      case "anthropic" ->
          new AnthropicRules(
              tokenizer,
              method,
              coefficients,
              required(f.imageMaxEdgePx(), "image_max_edge_px", where),
              required(f.imageMaxPatches(), "image_max_patches", where),
              terms(name, f.unrecorded() == null ? List.of() : f.unrecorded()),
              errorPct);
      case "gemini" ->
          new GeminiRules(
              tokenizer,
              method,
              coefficients,
              f.countTokensTerms() == null
                  ? coefficients
                  : coefficients(name, f.terms(), f.countTokensTerms()),
              required(f.imageTokens(), "image_tokens", where),
              f.imageTokensByResolution() == null ? Map.of() : f.imageTokensByResolution(),
              required(f.pdfPageTokens(), "pdf_page_tokens", where),
              required(f.audioTokensPerSecond(), "audio_tokens_per_second", where),
              required(f.videoTokensPerSecond(), "video_tokens_per_second", where),
              f.imageTilePx() == null ? 0 : f.imageTilePx(),
              errorPct);
      default -> throw new IllegalArgumentException(where + ": unknown vendor " + vendor);
    };
  }

  private static Set<Term> terms(String family, List<String> names) {
    Set<Term> out = EnumSet.noneOf(Term.class);
    names.forEach(name -> out.add(term(family, name)));
    return out;
  }

  private static Term term(String family, String key) {
    try {
      return Term.ofKey(key);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("family " + family + ": unknown term \"" + key + "\"");
    }
  }

  private static ModelSpec.Price price(RegistryFile.Price p, String where) {
    RegistryFile.LongContext lc = p.longContext();
    if (lc != null) {
      required(lc.aboveInputTokens(), "prices[].long_context.above_input_tokens", where);
    }
    required(p.inputUsdPerMtok(), "prices[].input_usd_per_mtok", where);
    return new ModelSpec.Price(
        date(required(p.from(), "prices[].from", where), "prices[].from", where),
        p.rates(),
        lc == null ? null : lc.aboveInputTokens(),
        lc == null ? null : lc.rates(),
        p.batch() == null ? null : p.batch().rates(),
        p.usdPerRequest() == null ? Map.of() : p.usdPerRequest());
  }

  /** The family's terms, with {@code overrides} (countTokens' own costs) replacing some. */
  private static Coefficients coefficients(
      String family, Map<String, Double> terms, Map<String, Double> overrides) {
    Map<Term, Double> byTerm = new EnumMap<>(Term.class);
    terms.forEach((key, value) -> byTerm.put(term(family, key), value));
    overrides.forEach((key, value) -> byTerm.put(term(family, key), value));
    return new Coefficients(byTerm);
  }

  private static ModelSpec spec(
      RegistryFile.Model m,
      Map<String, CountingRules> rules,
      Map<String, RegistryFile.Family> families) {
    String where = "model " + m.id();
    String family = required(m.family(), "family", where);
    CountingRules familyRules = rules.get(family);
    if (familyRules == null) {
      throw new IllegalArgumentException(where + ": unknown family " + family);
    }
    List<ModelSpec.Price> prices = new ArrayList<>();
    if (m.prices() != null) {
      for (RegistryFile.Price price : m.prices()) {
        prices.add(price(price, where));
      }
    }
    RegistryFile.ToolPrompt tool = m.toolPrompt();
    return new ModelSpec(
        m.id(),
        families.get(family).vendor(),
        family,
        familyRules,
        required(m.contextWindow(), "context_window", where),
        required(m.maxOutput(), "max_output", where),
        tool == null
            ? null
            : new ModelSpec.ToolPrompt(
                required(tool.auto(), "tool_prompt.auto", where),
                required(tool.any(), "tool_prompt.any", where)),
        Boolean.TRUE.equals(m.keepsPriorThinking()),
        prices,
        false,
        null);
  }

  private static LocalDate date(String text, String field, String where) {
    try {
      return LocalDate.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "model registry: " + where + ": " + field + " is not a date (YYYY-MM-DD): " + text);
    }
  }

  private static <T> T required(T value, String field, String where) {
    if (value == null) {
      throw new IllegalArgumentException("model registry: " + where + " has no " + field);
    }
    return value;
  }
}
