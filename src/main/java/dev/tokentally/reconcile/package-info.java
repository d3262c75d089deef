/**
 * What vendors report they billed: responses read by shape (Anthropic messages, streams and batch
 * lines; Gemini responses and streams; captured HTTP exchanges around any of them) and normalised
 * into one usage with disjoint buckets, so that every token is priced exactly once.
 */
package dev.tokentally.reconcile;
