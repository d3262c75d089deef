package dev.tokentally.http;

import dev.tokentally.access.AccessSettings;

/**
 * The HTTP listener.
 *
 * @param port listening port; 0 picks a free one (tests)
 * @param maxBodyBytes largest request body the count endpoints read; larger ones get 413
 * @param threads request threads; counting is CPU-bound, so more than a few per core only queue
 * @param access keys, the cluster secret and the rate limit
 * @param tls HTTPS, or {@link TlsSettings#OFF}
 */
public record HttpSettings(
    int port, long maxBodyBytes, int threads, AccessSettings access, TlsSettings tls) {

  /** Plain HTTP on loopback with no keys: what tests and local runs use. */
  public HttpSettings(int port, long maxBodyBytes, int threads) {
    this(port, maxBodyBytes, threads, AccessSettings.loopbackOnly(), TlsSettings.OFF);
  }
}
