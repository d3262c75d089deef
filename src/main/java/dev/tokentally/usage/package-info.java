/**
 * Usage accounting: the per-record usage event, totals, windows and dimensions, their binary
 * serdes, the usage record JSON, and reading the usage stores.
 */
package dev.tokentally.usage;
