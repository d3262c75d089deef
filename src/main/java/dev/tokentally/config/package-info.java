/**
 * Configuration vocabulary every feature may use: duration parsing and {@link
 * dev.tokentally.config.ConfigException}. A leaf: it imports nothing of ours. The settings
 * themselves are defined once, in {@code app.Setting}.
 */
package dev.tokentally.config;
