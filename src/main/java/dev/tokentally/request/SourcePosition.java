package dev.tokentally.request;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** Where an input record was read from, so any output can be traced back to it. */
public record SourcePosition(String topic, int partition, long offset, long timestamp) {

  /** Writes the {@code source} object that both enriched and dead-letter records carry. */
  public void writeTo(ObjectNode parent) {
    ObjectNode source = parent.putObject("source");
    source.put("topic", topic);
    source.put("partition", partition);
    source.put("offset", offset);
    source.put("timestamp", Instant.ofEpochMilli(timestamp).toString());
  }
}
