/**
 * tokentally's Prometheus meters, with label values bounded so user input cannot grow the number of
 * series.
 */
package dev.tokentally.metrics;
