package dev.tokentally.limits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tokentally.config.ConfigException;
import dev.tokentally.config.Durations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configured gates: per-request token caps (default, per model, per name) and per-name budgets
 * of input tokens, input + output tokens or dollars. Read from the JSON file named by {@code
 * tokentally.limits.file}; README documents the format.
 *
 * @param defaultRequestMaxTokens cap for every request, or null
 * @param requestMaxTokensByModel cap per model (canonical id or as requested)
 * @param requestMaxTokensByName cap per X-Opper-Name
 * @param contextHeadroom whether the context-window gate adds the count's error bar to the count
 *     before comparing, so that an estimate near the window is refused rather than let through
 */
public record Limits(
    Long defaultRequestMaxTokens,
    Map<String, Long> requestMaxTokensByModel,
    Map<String, Long> requestMaxTokensByName,
    List<Budget> budgets,
    boolean contextHeadroom) {

  public static final Limits NONE = new Limits(null, Map.of(), Map.of(), List.of(), false);

  public Limits {
    requestMaxTokensByModel = Map.copyOf(requestMaxTokensByModel);
    requestMaxTokensByName = Map.copyOf(requestMaxTokensByName);
    budgets = List.copyOf(budgets);
  }

  /** The cap a request exceeded, if any; the tightest applicable cap is reported. */
  public Optional<RequestCap> exceededCap(
      String model, String modelRequested, String name, long inputTokens) {
    List<RequestCap> caps = new ArrayList<>();
    if (defaultRequestMaxTokens != null) {
      caps.add(new RequestCap("default", "*", defaultRequestMaxTokens));
    }
    Long byModel = requestMaxTokensByModel.get(model);
    if (byModel == null && modelRequested != null) {
      byModel = requestMaxTokensByModel.get(modelRequested);
    }
    if (byModel != null) {
      caps.add(new RequestCap("model", model, byModel));
    }
    Long byName = name == null ? null : requestMaxTokensByName.get(name);
    if (byName != null) {
      caps.add(new RequestCap("name", name, byName));
    }
    return caps.stream()
        .filter(c -> inputTokens > c.maxTokens())
        .min((a, b) -> Long.compare(a.maxTokens(), b.maxTokens()));
  }

  /** Whether any budget applies to requests of this function name (null: unnamed, never). */
  public boolean budgeted(String name) {
    for (Budget budget : budgets) {
      if (budget.appliesTo(name)) {
        return true;
      }
    }
    return false;
  }

  /** The longest budget window, which bounds how long budget state is kept. */
  public Duration longestBudgetWindow() {
    return budgets.stream().map(Budget::window).max(Duration::compareTo).orElse(Duration.ZERO);
  }

  /**
   * @param scope {@code default}, {@code model} or {@code name}
   */
  public record RequestCap(String scope, String subject, long maxTokens) {}

  /** Reads the limits file; {@code defaultCap} (a plain setting) applies when the file has none. */
  public static Limits load(Path file, Long defaultCap, boolean contextHeadroom) {
    if (file == null) {
      return new Limits(defaultCap, Map.of(), Map.of(), List.of(), contextHeadroom);
    }
    byte[] json;
    try {
      json = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new ConfigException("cannot read limits file " + file + ": " + e.getMessage(), e);
    }
    return parse(json, defaultCap, contextHeadroom);
  }

  /**
   * The limits file's content, as {@link #load} reads it.
   *
   * @throws ConfigException when it is not JSON or breaks the format
   */
  public static Limits parse(byte[] json, Long defaultCap, boolean contextHeadroom) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new ConfigException("limits file is not valid JSON: " + e.getMessage(), e);
    }
    JsonNode caps = root.path("request_max_tokens");
    Long fileDefault =
        caps.has("default") && !caps.get("default").isNull()
            ? positive(caps.get("default"), "request_max_tokens.default")
            : null;
    List<Budget> budgets = new ArrayList<>();
    for (JsonNode b : root.path("budgets")) {
      budgets.add(budget(b));
    }
    return new Limits(
        fileDefault != null ? fileDefault : defaultCap,
        longs(caps.path("models"), "request_max_tokens.models"),
        longs(caps.path("names"), "request_max_tokens.names"),
        budgets,
        contextHeadroom);
  }

  /**
   * A budget entry: {@code tokens} (with {@code counts}: {@code input}, the default, or {@code
   * input_output}) or {@code usd}, never both.
   */
  private static Budget budget(JsonNode b) {
    String name = b.path("name").asText(null);
    Duration window = Durations.parse(b.path("window").asText("1m"));
    boolean hasTokens = b.has("tokens");
    boolean hasUsd = b.has("usd");
    if (hasTokens == hasUsd) {
      throw new ConfigException(
          "limits file: budget " + name + " needs exactly one of \"tokens\" and \"usd\"");
    }
    if (hasUsd) {
      JsonNode usd = b.get("usd");
      if (!usd.isNumber() || usd.asDouble() <= 0 || b.has("counts")) {
        throw new ConfigException(
            "limits file: budgets[].usd must be a positive number, without \"counts\"");
      }
      return new Budget(name, Budget.Measure.USD, Spend.nanoUsd(usd.asDouble()), window);
    }
    Budget.Measure measure = Budget.Measure.ofWire(b.path("counts").asText("input"));
    if (measure == Budget.Measure.USD) {
      throw new ConfigException("limits file: a dollar budget sets \"usd\", not \"tokens\"");
    }
    return new Budget(name, measure, positive(b.path("tokens"), "budgets[].tokens"), window);
  }

  /** Whether any budget counts output, which only settling on the billed usage can release. */
  public boolean countsOutput() {
    return budgets.stream().anyMatch(b -> b.measure().countsOutput());
  }

  private static Map<String, Long> longs(JsonNode object, String where) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      out.put(e.getKey(), positive(e.getValue(), where + "." + e.getKey()));
    }
    return out;
  }

  private static long positive(JsonNode node, String where) {
    if (!node.canConvertToLong() || node.asLong() <= 0) {
      throw new ConfigException("limits file: " + where + " must be a positive integer");
    }
    return node.asLong();
  }
}
