package dev.tokentally.topology;

import java.util.List;

/** The topics the topology reads and writes; all configurable. */
public record Topics(
    String requests,
    String enriched,
    String deadLetter,
    String usageByModel,
    String usageByName,
    String usageByNameModel) {

  /** Every topic the application reads or writes, apart from Streams' internal ones. */
  public List<String> all() {
    return List.of(requests, enriched, deadLetter, usageByModel, usageByName, usageByNameModel);
  }
}
