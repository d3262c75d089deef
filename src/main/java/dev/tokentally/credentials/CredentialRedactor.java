package dev.tokentally.credentials;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;

/**
 * Blanks credential values inside a JSON text, byte for byte everywhere else, so what reaches an
 * output topic keeps its shape but no key: the string value of a credential field ({@code api_key},
 * {@code authorization}, ...), and every string inside a credentials object ({@code
 * custom_model_credentials}) except its {@code identifier}.
 *
 * <p>It scans tokens rather than parsing, so it also cleans values that are not valid JSON: a
 * truncated or malformed record still goes to the dead-letter topic, and must not carry a key
 * there. A credential field whose value is an object is left alone, because that is a JSON Schema
 * property in a tool definition ({@code "password": {"type": "string"}}), not a secret.
 *
 * <p>In the string of a captured request's {@code path} or {@code url}, the values of credential
 * query parameters are blanked too: Gemini clients may authenticate with {@code ?key=AIza...}.
 *
 * <p>A bare value where a credential belongs (a number, or an unquoted key in malformed JSON such
 * as {@code "api_key": AIza...}) becomes the quoted mask, which keeps valid JSON valid; {@code
 * null}, {@code true} and {@code false} hold nothing secret and stay.
 */
public final class CredentialRedactor {
  /** What replaces each credential value. */
  public static final String MASK = "[REDACTED]";

  private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.UTF_8);
  private static final byte[] QUOTED_MASK_BYTES =
      ('"' + MASK + '"').getBytes(StandardCharsets.UTF_8);
  private static final int MAX_KEY_CHARS = 64;

  /** Field names, lower case with '-' as '_', whose string value is a credential. */
  private static final Set<String> CREDENTIAL_FIELDS =
      Set.of(
          "api_key",
          "apikey",
          "x_api_key",
          "x_goog_api_key",
          "authorization",
          "proxy_authorization",
          "cookie",
          "set_cookie",
          "access_token",
          "refresh_token",
          "id_token",
          "auth_token",
          "bearer_token",
          "session_token",
          "aws_session_token",
          "secret_access_key",
          "aws_secret_access_key",
          "client_secret",
          "private_key",
          "password");

  /** Fields whose string is a request target that can carry credentials in its query. */
  private static final Set<String> QUERY_CARRIERS = Set.of("path", "url", "uri", "target");

  /** Query parameters that carry credentials, beyond the credential field names. */
  private static final Set<String> CREDENTIAL_PARAMS =
      Set.of("key", "token", "auth", "sig", "signature", "code");

  private CredentialRedactor() {}

  /** True for a field whose string value must never be written out. */
  public static boolean isCredentialField(String name) {
    return CREDENTIAL_FIELDS.contains(normalise(name));
  }

  /** Objects under such a field hold nothing but credentials and their coordinates. */
  static boolean isCredentialContainer(String name) {
    return normalise(name).endsWith("credentials");
  }

  /** The value with every credential string replaced by {@link #MASK}; the same array if none. */
  public static byte[] redact(byte[] json) {
    if (json == null) {
      return null;
    }
    Scanner scanner = new Scanner(json);
    scanner.scan();
    int[] ranges = scanner.ranges;
    int count = scanner.rangeInts;
    if (count == 0) {
      return json;
    }
    long size = json.length;
    for (int r = 0; r < count; r += 3) {
      size += mask(ranges[r + 2]).length - (ranges[r + 1] - ranges[r]);
    }
    byte[] out = new byte[Math.toIntExact(size)];
    int at = 0;
    int to = 0;
    for (int r = 0; r < count; r += 3) {
      int keep = ranges[r] - at;
      System.arraycopy(json, at, out, to, keep);
      to += keep;
      byte[] mask = mask(ranges[r + 2]);
      System.arraycopy(mask, 0, out, to, mask.length);
      to += mask.length;
      at = ranges[r + 1];
    }
    System.arraycopy(json, at, out, to, json.length - at);
    return out;
  }

  private static byte[] mask(int quoted) {
    return quoted == 1 ? QUOTED_MASK_BYTES : MASK_BYTES;
  }

  private static String normalise(String name) {
    return name.toLowerCase(Locale.ROOT).replace('-', '_');
  }

  /**
   * One pass over the bytes; records what to blank: the content of string literals, and whole bare
   * tokens (flagged to get the quoted mask).
   */
  private static final class Scanner {
    private enum Pending {
      NONE,
      FIELD,
      CONTAINER
    }

    /** Flags of an open object or array: an array, an array that is a credential field's value. */
    private static final byte ARRAY = 1;

    private static final byte FIELD_ARRAY = 2;

    private final byte[] json;

    /**
     * What to blank, as (start, end, quoted) triples of ints: a list of arrays took 28 bytes per
     * range more, a record of short credential strings has millions of them.
     */
    private int[] ranges = new int[48];

    private int rangeInts;

    /**
     * One byte of flags per open object or array, innermost last: a record of 8 MiB of '[' opens
     * eight million of them, which as objects in a list took a second and 200 MB.
     */
    private byte[] stack = new byte[64];

    private int depth;
    private int containerDepth = -1;
    private Pending pending = Pending.NONE;
    private String lastKey = "";

    Scanner(byte[] json) {
      this.json = json;
    }

    /** One pass over the bytes, filling {@link #ranges}. */
    void scan() {
      int i = 0;
      while (i < json.length) {
        byte b = json[i];
        switch (b) {
          case '"' -> i = string(i);
          case '{', '[' -> {
            if (depth == stack.length) {
              stack = Arrays.copyOf(stack, depth * 2);
            }
            stack[depth++] =
                b == '[' ? (byte) (ARRAY | (pending == Pending.FIELD ? FIELD_ARRAY : 0)) : 0;
            if (pending == Pending.CONTAINER && containerDepth < 0) {
              containerDepth = depth;
            }
            pending = Pending.NONE;
            i++;
          }
          case '}', ']' -> {
            if (depth > 0) {
              if (depth == containerDepth) {
                containerDepth = -1;
              }
              depth--;
            }
            pending = Pending.NONE;
            i++;
          }
          case ',' -> {
            if (!inArray()) {
              pending = Pending.NONE;
            }
            i++;
          }
          case ' ', '\t', '\n', '\r', ':' -> i++;
          default -> i = bareToken(i);
        }
      }
    }

    private void addRange(int start, int end, int quoted) {
      if (rangeInts + 3 > ranges.length) {
        ranges = Arrays.copyOf(ranges, ranges.length * 2);
      }
      ranges[rangeInts++] = start;
      ranges[rangeInts++] = end;
      ranges[rangeInts++] = quoted;
    }

    /** A number, literal or malformed unquoted run; blanked where a credential string would be. */
    private int bareToken(int start) {
      int end = start;
      while (end < json.length && !isDelimiter(json[end])) {
        end++;
      }
      end = Math.max(end, start + 1);
      String token = new String(json, start, end - start, StandardCharsets.ISO_8859_1);
      boolean literal = token.equals("null") || token.equals("true") || token.equals("false");
      if (secretHere() && !literal) {
        addRange(start, end, 1);
      }
      valueDone();
      return end;
    }

    private static boolean isDelimiter(byte b) {
      return switch (b) {
        case ' ', '\t', '\n', '\r', ',', ':', '{', '}', '[', ']', '"' -> true;
        default -> false;
      };
    }

    /** True where the next value is a credential: after a credential key, or in a container. */
    private boolean secretHere() {
      return pending == Pending.FIELD
          || depth > 0 && (stack[depth - 1] & FIELD_ARRAY) != 0
          || containerDepth >= 0 && !(depth > 0 && !inArray() && isIdentifier(lastKey));
    }

    /** Whether the innermost open value is an array. */
    private boolean inArray() {
      return depth > 0 && (stack[depth - 1] & ARRAY) != 0;
    }

    /** A value ended: a field's pending state ends with it, an array's lasts to its end. */
    private void valueDone() {
      if (!inArray()) {
        pending = Pending.NONE;
      }
    }

    /** Handles the literal starting at {@code start}; returns the index after it. */
    private int string(int start) {
      int end = start + 1;
      boolean escaped = false;
      while (end < json.length) {
        byte c = json[end];
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          break;
        }
        end++;
      }
      int after = Math.min(end + 1, json.length);
      if (isKey(after)) {
        lastKey = decode(start + 1, end);
        pending =
            isCredentialField(lastKey)
                ? Pending.FIELD
                : isCredentialContainer(lastKey) ? Pending.CONTAINER : Pending.NONE;
        return after;
      }
      if (secretHere() && end <= json.length) {
        addRange(start + 1, end, 0);
      } else if (QUERY_CARRIERS.contains(normalise(lastKey)) && pending == Pending.NONE) {
        queryCredentials(start + 1, Math.min(end, json.length));
      }
      valueDone();
      return after;
    }

    /** Blanks the values of credential parameters in the query part of {@code json[from, to)}. */
    private void queryCredentials(int from, int to) {
      int query = from;
      while (query < to && json[query] != '?') {
        query++;
      }
      int param = query + 1;
      while (param < to) {
        int next = param;
        while (next < to && json[next] != '&' && json[next] != '#') {
          next++;
        }
        int equals = param;
        while (equals < next && json[equals] != '=') {
          equals++;
        }
        if (equals < next) {
          String name = normalise(new String(json, param, equals - param, StandardCharsets.UTF_8));
          if (isCredentialField(name) || CREDENTIAL_PARAMS.contains(name)) {
            addRange(equals + 1, next, 0);
          }
        }
        if (next < to && json[next] == '#') {
          return;
        }
        param = next + 1;
      }
    }

    private static boolean isIdentifier(String key) {
      return key.equals("identifier");
    }

    private boolean isKey(int from) {
      for (int i = from; i < json.length; i++) {
        byte c = json[i];
        if (c == ':') {
          return true;
        }
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return false;
        }
      }
      return false;
    }

    /** The key's text with JSON escapes undone, so "api\u005fkey" is caught too. */
    private String decode(int from, int to) {
      if (to - from > MAX_KEY_CHARS * 6) {
        return "";
      }
      String raw = new String(json, from, Math.min(to, json.length) - from, StandardCharsets.UTF_8);
      if (raw.indexOf('\\') < 0) {
        return raw;
      }
      StringBuilder out = new StringBuilder(raw.length());
      for (int i = 0; i < raw.length(); i++) {
        char c = raw.charAt(i);
        if (c == '\\' && i + 1 < raw.length()) {
          char e = raw.charAt(++i);
          if (e == 'u' && i + 4 < raw.length()) {
            try {
              out.append((char) Integer.parseInt(raw.substring(i + 1, i + 5), 16));
              i += 4;
            } catch (NumberFormatException ignored) {
              out.append(e);
            }
          } else {
            out.append(e);
          }
        } else {
          out.append(c);
        }
      }
      return out.toString();
    }
  }
}
