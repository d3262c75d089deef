/**
 * Counting input tokens the way each vendor does: the tokenizers, the Anthropic and Gemini
 * counters, the block-count cache, and {@link dev.tokentally.counting.RequestCounting}, the one
 * "count this body" entry point the stream, HTTP, the {@code count} command and the tests share.
 */
package dev.tokentally.counting;
