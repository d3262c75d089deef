/** The single-node KRaft broker started in-process when no Kafka cluster is configured. */
package dev.tokentally.broker;
