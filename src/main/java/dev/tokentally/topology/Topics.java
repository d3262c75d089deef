package dev.tokentally.topology;

import java.util.List;

/** The topics the topology reads and writes; all configurable. */
public record Topics(
    String requests,
    String enriched,
    String deadLetter,
    String usageByModel,
    String usageByName,
    String usageByNameModel,
    String responses,
    String reconciled,
    String calibration) {

  /** Every topic the application reads or writes, apart from Streams' internal ones. */
  public List<String> all() {
    return List.of(
        requests,
        enriched,
        deadLetter,
        usageByModel,
        usageByName,
        usageByNameModel,
        responses,
        reconciled,
        calibration);
  }

  /** Topics that keep only the latest value per key. */
  public boolean compacted(String topic) {
    return topic.equals(calibration);
  }

  /** The topics only reconciliation uses. */
  public List<String> reconciliation() {
    return List.of(responses, reconciled, calibration);
  }
}
