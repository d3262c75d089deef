package dev.tokentally.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The key a caller sent, from wherever its client sends one: {@code x-api-key} (Anthropic SDKs),
 * {@code x-goog-api-key} or {@code ?key=} (Google Gen AI SDKs), {@code Authorization: Bearer}
 * (Opper-style clients, curl). Two different keys in one request, or a malformed one, are refused
 * rather than guessed between, so no proxy in front can smuggle a second credential past another.
 */
public final class PresentedKey {
  public static final String ANTHROPIC_HEADER = "x-api-key";
  public static final String GOOGLE_HEADER = "x-goog-api-key";
  public static final String QUERY_PARAM = "key";
  public static final String AUTHORIZATION = "Authorization";
  private static final int MAX_CHARS = 256;

  private PresentedKey() {}

  /** Why no usable key came with the request. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String why) {
      super(why, null, false, false);
    }
  }

  /**
   * @param xApiKey every {@code x-api-key} value, likewise for the others
   * @return the one key sent, or empty when none was
   */
  public static Optional<String> of(
      List<String> xApiKey, List<String> xGoogApiKey, List<String> queryKey, List<String> auth)
      throws Refused {
    List<String> candidates = new ArrayList<>();
    candidates.addAll(xApiKey);
    candidates.addAll(xGoogApiKey);
    candidates.addAll(queryKey);
    for (String a : auth) {
      if (a.length() < 7 || !a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
        throw new Refused("Authorization must be a Bearer key");
      }
      candidates.add(a.substring(7).strip());
    }
    String key = null;
    for (String c : candidates) {
      if (c.isEmpty() || c.length() > MAX_CHARS || !c.chars().allMatch(ch -> ch > 32 && ch < 127)) {
        throw new Refused("malformed key");
      }
      if (key != null && !key.equals(c)) {
        throw new Refused("more than one key");
      }
      key = c;
    }
    return Optional.ofNullable(key);
  }
}
