package dev.tokentally.http;

import dev.tokentally.config.ConfigException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** The listener's HTTPS and the context instances reach each other with, from one keystore. */
final class Tls {
  private Tls() {}

  /**
   * The stores, read once for both uses.
   *
   * @param trust the truststore, or null when clients need no certificate
   */
  record Stores(KeyStore keys, String keyPassword, KeyStore trust) {}

  static Stores load(TlsSettings tls) {
    String password = password(tls.keystorePassword());
    return new Stores(
        load(tls.keystore(), password),
        password,
        tls.truststore() == null
            ? null
            : load(tls.truststore(), password(tls.truststorePassword())));
  }

  static SslContextFactory.Server server(Stores stores) {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStore(stores.keys());
    factory.setKeyStorePassword(stores.keyPassword());
    if (stores.trust() != null) {
      factory.setTrustStore(stores.trust());
      factory.setNeedClientAuth(true);
    }
    return factory;
  }

  /**
   * How this instance calls its peers: with its own certificate (for client-certificate auth) and
   * trusting the truststore, or its own certificate when there is none, since every instance shares
   * the keystore.
   */
  static SSLContext peers(Stores stores) {
    try {
      KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      km.init(stores.keys(), stores.keyPassword().toCharArray());
      TrustManagerFactory tm =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tm.init(stores.trust() == null ? stores.keys() : stores.trust());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(km.getKeyManagers(), tm.getTrustManagers(), null);
      return context;
    } catch (Exception e) {
      throw new ConfigException("TLS keystore unusable: " + e.getClass().getSimpleName());
    }
  }

  private static KeyStore load(Path path, String password) {
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password.toCharArray());
      return store;
    } catch (Exception e) {
      // The message can quote neither password nor content; the class and path say enough.
      throw new ConfigException(
          "cannot read PKCS12 store " + path + " (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static String password(String password) {
    return password == null ? "" : password;
  }
}
