/**
 * tokentally: token accounting for LLM requests on Kafka. {@link dev.tokentally.Main} is the jar's
 * entry point; the composition root is {@code app}. The build checks the package structure ({@code
 * ArchitectureTest}): no cycles, every Streams processor and handler in {@code topology}, {@code
 * config}, {@code credentials} and {@code errors} leaves that import nothing of ours.
 */
package dev.tokentally;
