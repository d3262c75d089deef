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

  static SslContextFactory.Server server(TlsSettings tls) {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setKeyStore(load(tls.keystore(), tls.keystorePassword()));
    factory.setKeyStorePassword(password(tls.keystorePassword()));
    if (tls.truststore() != null) {
      factory.setTrustStore(load(tls.truststore(), tls.truststorePassword()));
      factory.setNeedClientAuth(true);
    }
    return factory;
  }

  /**
   * How this instance calls its peers: with its own certificate (for client-certificate auth) and
   * trusting the truststore, or its own certificate when there is none, since every instance shares
   * the keystore.
   */
  static SSLContext peers(TlsSettings tls) {
    try {
      KeyStore keys = load(tls.keystore(), tls.keystorePassword());
      KeyManagerFactory km = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      km.init(keys, password(tls.keystorePassword()).toCharArray());
      TrustManagerFactory tm =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tm.init(tls.truststore() == null ? keys : load(tls.truststore(), tls.truststorePassword()));
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(km.getKeyManagers(), tm.getTrustManagers(), null);
      return context;
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      throw new ConfigException("TLS keystore unusable: " + e.getClass().getSimpleName());
    }
  }

  private static KeyStore load(Path path, String password) {
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password(password).toCharArray());
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
