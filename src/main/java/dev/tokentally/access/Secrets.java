package dev.tokentally.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Hashing, comparing and minting secrets, in one place so each is done one way. */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  public static byte[] sha256(String secret) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** Compares without an early exit, so the time taken says nothing about where they differ. */
  public static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /** Compares two secrets by their hashes, so neither their contents nor their lengths leak. */
  public static boolean same(String a, String b) {
    return same(sha256(a), sha256(b));
  }

  /** A new key: {@code tt_} and 32 random bytes, URL-safe, so every SDK accepts it as is. */
  public static String newKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return "tt_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
