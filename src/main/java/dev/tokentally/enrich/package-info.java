/**
 * The per-record decision before budgets: size, parse and count, then the gates in order; writes
 * the enriched record or the dead letter.
 */
package dev.tokentally.enrich;
