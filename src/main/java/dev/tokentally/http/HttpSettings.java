package dev.tokentally.http;

/**
 * The HTTP listener.
 *
 * @param port listening port; 0 picks a free one (tests)
 * @param maxBodyBytes largest request body the count endpoints read; larger ones get 413
 * @param threads request threads; counting is CPU-bound, so more than a few per core only queue
 */
public record HttpSettings(int port, long maxBodyBytes, int threads) {}
