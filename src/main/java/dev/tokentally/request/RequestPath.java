package dev.tokentally.request;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises the URL path of a captured HTTP request: which endpoint it addresses and, for Gemini,
 * which model. Gateways mount the vendor paths under a prefix ({@code /v3/compat}, {@code
 * /anthropic}); those are stripped first.
 */
public final class RequestPath {
  /** Mount points gateways put before the vendor paths, stripped in any order and number. */
  private static final List<String> PREFIXES = List.of("/v3/compat", "/anthropic", "/google");

  private static final Pattern GEMINI_MODEL_METHOD =
      Pattern.compile(
          "^/v1(?:beta|alpha)?/(?:models|tunedModels)/([^/:]+):(generateContent|streamGenerateContent|countTokens)$");
  private static final Pattern INTERACTIONS = Pattern.compile("^/v1(?:beta|alpha)?/interactions$");

  private RequestPath() {}

  /**
   * @param endpoint what the path addresses
   * @param model the model the path names (Gemini), or null
   */
  public record Route(Endpoint endpoint, String model) {}

  /** The route for a path such as {@code /v1beta/models/gemini-2.5-flash:countTokens}. */
  public static Optional<Route> route(String path) {
    String p = path;
    int query = p.indexOf('?');
    if (query >= 0) {
      p = p.substring(0, query);
    }
    p = withoutPrefixes(p);
    if (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.equals("/v1/messages")) {
      return Optional.of(new Route(Endpoint.MESSAGES, null));
    }
    if (p.equals("/v1/messages/count_tokens")) {
      return Optional.of(new Route(Endpoint.MESSAGES_COUNT_TOKENS, null));
    }
    if (INTERACTIONS.matcher(p).matches()) {
      return Optional.of(new Route(Endpoint.INTERACTIONS, null));
    }
    Matcher m = GEMINI_MODEL_METHOD.matcher(p);
    if (m.matches()) {
      String model;
      try {
        model = URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException badEscape) {
        return Optional.empty(); // "gemini-2.5%pro": no model, so no endpoint this path addresses
      }
      Endpoint endpoint =
          switch (m.group(2)) {
            case "generateContent" -> Endpoint.GENERATE_CONTENT;
            case "streamGenerateContent" -> Endpoint.STREAM_GENERATE_CONTENT;
            default -> Endpoint.COUNT_TOKENS;
          };
      return Optional.of(new Route(endpoint, model));
    }
    return Optional.empty();
  }

  // A loop, not a repeated regex group: java.util.regex recurses once per repetition, so a path of
  // many prefixes would overflow the stack.
  private static String withoutPrefixes(String path) {
    int at = 0;
    boolean stripped = true;
    while (stripped) {
      stripped = false;
      for (String prefix : PREFIXES) {
        if (path.startsWith(prefix, at)) {
          at += prefix.length();
          stripped = true;
        }
      }
    }
    return path.substring(at);
  }
}
