package dev.tokentally.http;

import java.nio.file.Path;

/**
 * HTTPS on the listener. With a keystore the listener speaks only HTTPS; with a truststore too,
 * only clients with a certificate it trusts get past the handshake.
 *
 * @param keystore PKCS12 keystore with the server's key and certificate, or null for plain HTTP
 * @param truststore PKCS12 truststore for client certificates, or null for none
 */
public record TlsSettings(
    Path keystore, String keystorePassword, Path truststore, String truststorePassword) {
  public static final TlsSettings OFF = new TlsSettings(null, null, null, null);

  public boolean enabled() {
    return keystore != null;
  }

  @Override
  public String toString() {
    return "TlsSettings[keystore=" + keystore + ", truststore=" + truststore + "]";
  }
}
