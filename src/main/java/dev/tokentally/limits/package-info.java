/**
 * Configured gates: per-request token caps (default, per model, per name) and per-name token
 * budgets, read from the limits file.
 */
package dev.tokentally.limits;
