/**
 * The HTTP service: the vendors' count endpoints answered locally, usage queries across instances,
 * health, and the Prometheus scrape.
 */
package dev.tokentally.http;
