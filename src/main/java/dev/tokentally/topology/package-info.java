/**
 * The Kafka Streams topology, a pure function of its settings, and every processor and exception
 * handler in it. {@code topology/README.md} documents its topics, names and records; {@code
 * topology/topology.txt} is its committed description.
 */
package dev.tokentally.topology;
