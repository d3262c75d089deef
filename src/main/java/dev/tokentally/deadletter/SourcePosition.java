package dev.tokentally.deadletter;

/** Where an input record was read from, so any output can be traced back to it. */
public record SourcePosition(String topic, int partition, long offset, long timestamp) {}
