package dev.tokentally.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.usage.LocalUsageStores;
import dev.tokentally.usage.UsageQuery;
import dev.tokentally.usage.UsageRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Answers a usage query for the whole application, whichever instance is asked: {@link QueryPlan}
 * decides which instance reads which partitions, {@link PeerClient} asks the others, and the
 * answers are merged here, each partition exactly once. Each key lives on one partition, and each
 * partition's store is active on one instance: a single key is read where it lives, and a listing
 * asks every instance for the partitions active there, then checks that each partition answered
 * exactly once. Instances find each other through Streams metadata ({@code application.server}) and
 * talk over the internal endpoint {@code /internal/usage}.
 */
final class UsageCluster {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final KafkaStreams streams;
  private final LocalUsageStores local;
  private final String applicationId;
  private final HostInfo self;
  private final long graceMs;
  private final PeerClient peers;

  /**
   * @param self this instance's {@code application.server}, or null when it is not set (then only
   *     local stores are read, which is right for a single instance)
   */
  UsageCluster(
      KafkaStreams streams,
      LocalUsageStores local,
      String applicationId,
      HostInfo self,
      Duration grace,
      PeerClient peers) {
    this.streams = streams;
    this.peers = peers;
    this.local = local;
    this.applicationId = applicationId;
    this.self = self;
    this.graceMs = grace.toMillis();
  }

  /**
   * @param records usage records, as on the usage topics, sorted by key and window
   * @param answeredBy the instances whose stores were read
   */
  record Result(List<ObjectNode> records, Set<String> answeredBy) {}

  Result answer(UsageQuery q) {
    KafkaStreams.State state = streams.state();
    if (state != KafkaStreams.State.RUNNING) {
      throw Refusals.unavailable(
          "usage stores answer while Kafka Streams is RUNNING; it is " + state + ", retry shortly");
    }
    if (self == null) {
      return new Result(json(guard(() -> local.query(q, null)).rows()), Set.of("local"));
    }
    return gather(q, QueryPlan.of(streams, q, applicationId));
  }

  /** The internal endpoint's answer: exactly these partitions, which must be active here. */
  ObjectNode answerLocally(UsageQuery q, Set<Integer> partitions) {
    LocalUsageStores.Answer answer = guard(() -> local.query(q, partitions));
    ObjectNode out = MAPPER.createObjectNode();
    answer.partitions().forEach(out.putArray("partitions")::add);
    json(answer.rows()).forEach(out.putArray("records")::add);
    return out;
  }

  private Result gather(UsageQuery q, Map<HostInfo, Set<Integer>> plan) {
    List<ObjectNode> records = new ArrayList<>();
    Set<String> answeredBy = new TreeSet<>();
    Map<HostInfo, CompletableFuture<ObjectNode>> remote = new HashMap<>();
    plan.forEach(
        (host, partitions) -> {
          if (!host.equals(self)) {
            remote.put(host, peers.ask(host, q, partitions));
          }
        });
    Set<Integer> seen = new HashSet<>();
    Set<Integer> requested =
        plan.values().stream().flatMap(Set::stream).collect(Collectors.toSet());
    Set<Integer> mine = plan.get(self);
    if (mine != null) {
      ObjectNode answer = answerLocally(q, mine);
      collect(answer, self, records, seen);
      answeredBy.add(label(self));
    }
    for (Map.Entry<HostInfo, CompletableFuture<ObjectNode>> entry : remote.entrySet()) {
      ObjectNode answer;
      try {
        answer = entry.getValue().join();
      } catch (CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        throw cause instanceof RejectedException f
            ? f
            : Refusals.unavailable(
                "instance " + label(entry.getKey()) + " did not answer: " + cause.getMessage());
      }
      collect(answer, entry.getKey(), records, seen);
      answeredBy.add(label(entry.getKey()));
    }
    if (!seen.equals(requested)) {
      throw Refusals.unavailable(
          "partitions " + requested + " were asked for but " + seen + " answered; retry shortly");
    }
    records.sort(ORDER);
    return new Result(records, answeredBy);
  }

  private static void collect(
      ObjectNode answer, HostInfo host, List<ObjectNode> records, Set<Integer> seen) {
    for (JsonNode p : answer.path("partitions")) {
      if (!seen.add(p.asInt())) {
        throw Refusals.unavailable(
            "partition " + p.asInt() + " answered twice (" + label(host) + "); retry shortly");
      }
    }
    for (JsonNode r : answer.path("records")) {
      records.add((ObjectNode) r);
    }
  }

  private List<ObjectNode> json(List<UsageRow> rows) {
    long now = System.currentTimeMillis();
    return rows.stream().map(r -> r.toJson(now, graceMs)).toList();
  }

  private static <T> T guard(Supplier<T> query) {
    try {
      return query.get();
    } catch (LocalUsageStores.Unavailable e) {
      throw Refusals.unavailable(e.getMessage() + "; retry shortly");
    }
  }

  static String label(HostInfo host) {
    return host.host() + ":" + host.port();
  }

  private static final Comparator<ObjectNode> ORDER =
      Comparator.comparing((ObjectNode r) -> r.path("name").asText(""))
          .thenComparing(r -> r.path("model").asText(""))
          .thenComparing(r -> r.path("window_start").asText(""));
}
