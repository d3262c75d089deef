package dev.tokentally.credentials;

import java.util.Locale;
import java.util.Set;

/** Knows which header names and configuration keys carry credentials, so they never leave. */
public final class Secrets {
  private static final Set<String> CREDENTIAL_HEADERS =
      Set.of("x-api-key", "authorization", "x-goog-api-key", "cookie", "proxy-authorization");

  private Secrets() {}

  /** Header names are case-insensitive on the wire, so the comparison is too. */
  public static boolean isCredentialHeader(String name) {
    return CREDENTIAL_HEADERS.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Kafka marks its own password settings; this also covers JAAS and key material. */
  public static boolean isSecretKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("secret")
        || k.contains("jaas")
        || k.endsWith(".key")
        || k.contains("token")
        || k.contains("credential");
  }
}
