package dev.tokentally.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.usage.LocalUsageStores;
import dev.tokentally.usage.UsageQuery;
import dev.tokentally.usage.UsageRow;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Answers a usage query for the whole application, whichever instance is asked. Each key lives on
 * one partition, and each partition's store is active on one instance: a single key is read where
 * it lives, and a listing asks every instance for the partitions active there, then checks that
 * each partition answered exactly once. Instances find each other through Streams metadata ({@code
 * application.server}) and talk over the internal endpoint {@code /internal/usage}.
 */
final class UsageCluster {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaStreams streams;
  private final LocalUsageStores local;
  private final String applicationId;
  private final HostInfo self;
  private final long graceMs;
  private final HttpClient client;

  /**
   * @param self this instance's {@code application.server}, or null when it is not set (then only
   *     local stores are read, which is right for a single instance)
   */
  UsageCluster(
      KafkaStreams streams,
      LocalUsageStores local,
      String applicationId,
      HostInfo self,
      Duration grace) {
    this.streams = streams;
    this.local = local;
    this.applicationId = applicationId;
    this.self = self;
    this.graceMs = grace.toMillis();
    this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
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
    Map<HostInfo, Set<Integer>> plan = new HashMap<>();
    if (q.selector() == UsageQuery.Selector.KEY) {
      KeyQueryMetadata owner =
          streams.queryMetadataForKey(q.storeName(), q.key(), Serdes.String().serializer());
      if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
        throw Refusals.unavailable("no instance holds " + q.storeName() + " yet; retry shortly");
      }
      plan.put(owner.activeHost(), Set.of(owner.partition()));
    } else {
      String topic = q.dimension().repartitionTopic(applicationId);
      for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
        Set<Integer> partitions =
            instance.topicPartitions().stream()
                .filter(tp -> tp.topic().equals(topic))
                .map(TopicPartition::partition)
                .collect(Collectors.toCollection(TreeSet::new));
        if (!partitions.isEmpty()) {
          plan.merge(instance.hostInfo(), partitions, UsageCluster::union);
        }
      }
      if (plan.isEmpty()) {
        throw Refusals.unavailable("no instance holds " + q.storeName() + " yet; retry shortly");
      }
    }
    return gather(q, plan);
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
            remote.put(host, ask(host, q, partitions));
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

  private CompletableFuture<ObjectNode> ask(HostInfo host, UsageQuery q, Set<Integer> partitions) {
    StringBuilder uri =
        new StringBuilder("http://")
            .append(host.host())
            .append(':')
            .append(host.port())
            .append(UsageEndpoints.INTERNAL_PATH)
            .append(q.dimension().id())
            .append("?selector=")
            .append(q.selector().name())
            .append("&window=")
            .append(encode(q.window()))
            .append("&partitions=")
            .append(partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
    if (q.key() != null) {
      uri.append("&key=").append(encode(q.key()));
    }
    if (!q.allTime()) {
      uri.append("&from=").append(q.from()).append("&to=").append(q.to());
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(uri.toString())).timeout(PEER_TIMEOUT).GET().build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            response -> {
              if (response.statusCode() != 200) {
                throw Refusals.unavailable(
                    "instance "
                        + label(host)
                        + " answered "
                        + response.statusCode()
                        + ": "
                        + new String(response.body(), StandardCharsets.UTF_8));
              }
              try {
                return (ObjectNode) MAPPER.readTree(response.body());
              } catch (IOException e) {
                throw Refusals.unavailable(
                    "instance " + label(host) + " sent unreadable JSON: " + e.getMessage());
              }
            });
  }

  private List<ObjectNode> json(List<UsageRow> rows) {
    long now = System.currentTimeMillis();
    return rows.stream().map(r -> r.toJson(now, graceMs)).toList();
  }

  private static <T> T guard(java.util.function.Supplier<T> query) {
    try {
      return query.get();
    } catch (LocalUsageStores.Unavailable e) {
      throw Refusals.unavailable(e.getMessage() + "; retry shortly");
    }
  }

  private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
    Set<Integer> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String label(HostInfo host) {
    return host.host() + ":" + host.port();
  }

  private static final Comparator<ObjectNode> ORDER =
      Comparator.comparing((ObjectNode r) -> r.path("name").asText(""))
          .thenComparing(r -> r.path("model").asText(""))
          .thenComparing(r -> r.path("window_start").asText(""));
}
