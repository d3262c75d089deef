package dev.tokentally.topology;

/** Every processor and store name in the topology; {@code topology/README.md} lists them. */
public final class Names {
  public static final String READ_REQUESTS = "read-requests";
  public static final String ASSESS_REQUEST = "assess-request";
  public static final String ROUTE = "route-";
  public static final String ACCEPTED = "accepted";
  public static final String REJECTED = "rejected";
  public static final String WRITE_ENRICHED = "write-enriched";
  public static final String WRITE_DEAD_LETTERS = "write-dead-letters";

  private Names() {}
}
