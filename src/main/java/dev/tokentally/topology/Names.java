package dev.tokentally.topology;

/**
 * Every processor, store and repartition name the topology sets itself; {@code topology/README.md}
 * lists them all, including the usage names built from {@code UsageAggregations}. Renaming a store
 * or repartition topic loses its state on upgrade, so these only ever change deliberately.
 */
public final class Names {
  public static final String READ_REQUESTS = "read-requests";
  public static final String ASSESS_REQUEST = "assess-request";
  public static final String ROUTE = "route-";
  public static final String COUNTED = "counted";
  public static final String REJECTED = "rejected";
  public static final String METER_REJECTED = "meter-rejected";
  public static final String REJECTED_JSON = "rejected-json";
  public static final String REJECTED_USAGE = "rejected-usage";
  public static final String WRITE_REJECTED = "write-rejected";
  public static final String OWNER = "owner-";
  public static final String BUDGETED = "budgeted";
  public static final String UNBUDGETED = "unbudgeted";
  public static final String UNBUDGETED_REQUEST = "unbudgeted-request";
  public static final String METER_UNBUDGETED = "meter-unbudgeted";
  public static final String UNBUDGETED_JSON = "unbudgeted-json";
  public static final String WRITE_UNBUDGETED = "write-unbudgeted";
  public static final String UNBUDGETED_USAGE = "unbudgeted-usage";
  public static final String FIRST_USAGE = "first-usage";
  public static final String KEY_BY_NAME = "key-by-name";
  public static final String REQUESTS_BY_NAME = "requests-by-name";
  public static final String CHECK_BUDGET = "check-budget";
  public static final String BUDGET_STORE = "budget-usage";
  public static final String METER_CHECKED = "meter-checked";
  public static final String BUDGET = "budget-";
  public static final String WITHIN = "within";
  public static final String EXCEEDED = "exceeded";
  public static final String ENRICHED_JSON = "enriched-json";
  public static final String WRITE_ENRICHED = "write-enriched";
  public static final String OVER_BUDGET_JSON = "over-budget-json";
  public static final String WRITE_OVER_BUDGET = "write-over-budget";
  public static final String CHECKED_USAGE = "checked-usage";
  public static final String USAGE = "usage";
  public static final String COMBINE_USAGE = "combine-usage";
  public static final String USAGE_COMBINER = "usage-combiner";

  public static final String READ_RESPONSES = "read-responses";
  public static final String READ_RESPONSE = "read-response";
  public static final String RESPONSE = "response-";
  public static final String JOINABLE = "joinable";
  public static final String METER_BAD_RESPONSE = "meter-bad-response";
  public static final String BAD_RESPONSE_JSON = "bad-response-json";
  public static final String WRITE_BAD_RESPONSE = "write-bad-response";
  public static final String RESPONSE_ENTRY = "response-entry";
  public static final String UNBUDGETED_ESTIMATE = "unbudgeted-estimate";
  public static final String BUDGETED_ESTIMATE = "budgeted-estimate";
  public static final String ACCEPTED_BY_KEY = "accepted-by-key";
  public static final String ESTIMATES = "estimates";
  public static final String JOIN_INPUT = "join-input";
  public static final String RECONCILE = "reconcile";
  public static final String RECONCILE_PENDING = "reconcile-pending";
  public static final String RECONCILE_DEADLINES = "reconcile-deadlines";
  public static final String METER_RECONCILED = "meter-reconciled";
  public static final String RECONCILED_JSON = "reconciled-json";
  public static final String WRITE_RECONCILED = "write-reconciled";
  public static final String RECONCILED_USAGE = "reconciled-usage";
  public static final String ACTUAL_USAGE = "actual-usage";
  public static final String SETTLEMENT = "settlement";
  public static final String SETTLEMENTS_BY_NAME = "settlements-by-name";
  public static final String SETTLE_BUDGET = "settle-budget";
  public static final String CALIBRATION_SAMPLE = "calibration-sample";
  public static final String CALIBRATION_SAMPLES = "calibration-samples";
  public static final String LEARN_CALIBRATION = "learn-calibration";
  public static final String CALIBRATION_LEARNER = "calibration-learner";
  public static final String WRITE_CALIBRATION = "write-calibration";
  public static final String READ_CALIBRATION = "read-calibration";
  public static final String KEEP_CALIBRATION = "keep-calibration";
  public static final String CALIBRATION_LIVE = "calibration-live";

  private Names() {}
}
