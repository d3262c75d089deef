/**
 * Who may call the HTTP service: API keys kept as SHA-256 hashes, their scopes and name prefixes,
 * the cluster secret between instances, and a token bucket per key. Nothing here holds a key in
 * clear longer than one comparison, and nothing here logs one.
 */
package dev.tokentally.access;
