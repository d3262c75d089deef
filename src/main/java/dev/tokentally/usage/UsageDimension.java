package dev.tokentally.usage;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** The three ways usage is grouped; each has its own repartition topic, stores and output topic. */
public enum UsageDimension {
  MODEL("by-model"),
  NAME("by-name"),
  NAME_MODEL("by-name-model");

  /** Separates name and model in the composite key; neither can contain a control character. */
  private static final char SEPARATOR = '\n';

  private final String id;

  UsageDimension(String id) {
    this.id = id;
  }

  /** {@code by-model}, {@code by-name}, {@code by-name-model}: part of every resource name. */
  public String id() {
    return id;
  }

  public String key(UsageEvent event) {
    return switch (this) {
      case MODEL -> event.model();
      case NAME -> event.name();
      case NAME_MODEL -> event.name() + SEPARATOR + event.model();
    };
  }

  /**
   * This dimension's key for the requests of one {@link #NAME_MODEL} key: the finest key holds the
   * other two, so usage combined by name and model alone yields all three.
   */
  public String keyWithin(String nameModelKey) {
    int split = nameModelKey.indexOf(SEPARATOR);
    return switch (this) {
      case MODEL -> nameModelKey.substring(split + 1);
      case NAME -> nameModelKey.substring(0, split);
      case NAME_MODEL -> nameModelKey;
    };
  }

  /** The start of every {@link #NAME_MODEL} key of one name, for prefix queries. */
  public static String namePrefix(String name) {
    return name + SEPARATOR;
  }

  /** The store of one window ({@code 1m}, {@code all}, ...): {@code usage-by-model-1m}, ... */
  public String storeName(String window) {
    return "usage-" + id + "-" + window;
  }

  /**
   * The internal repartition topic whose partitions hold this dimension's stores: every dimension
   * is aggregated from the one partials topic, keyed by the dimension's key.
   */
  public String repartitionTopic(String applicationId) {
    return applicationId + "-" + PARTIALS_TOPIC + "-repartition";
  }

  /** The name of the usage repartition, as the topology sets it. */
  public static final String PARTIALS_TOPIC = "usage-partials";

  public static UsageDimension byId(String id) {
    for (UsageDimension d : values()) {
      if (d.id.equals(id)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown usage dimension " + id);
  }

  /** Writes the key's fields ({@code model}, {@code name}) into a JSON object. */
  public void writeKeyFields(String key, ObjectNode out) {
    switch (this) {
      case MODEL -> out.put("model", key);
      case NAME -> out.put("name", key);
      case NAME_MODEL -> {
        int split = key.indexOf(SEPARATOR);
        out.put("name", key.substring(0, split));
        out.put("model", key.substring(split + 1));
      }
    }
  }
}
