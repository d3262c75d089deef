/**
 * The one rejection type: {@link dev.tokentally.errors.ErrorCode} and {@link
 * dev.tokentally.errors.Rejection} (code, message, details), produced by the parser, the counters,
 * the gates, the budget check and HTTP alike. A leaf.
 */
package dev.tokentally.errors;
