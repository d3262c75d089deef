package dev.tokentally.http;

import dev.tokentally.usage.UsageQuery;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Which instance reads which partitions for one usage query, from Streams metadata: a single key
 * from the instance where its partition is active, a listing from every instance for the partitions
 * active there.
 */
final class QueryPlan {
  private QueryPlan() {}

  static Map<HostInfo, Set<Integer>> of(KafkaStreams streams, UsageQuery q, String applicationId) {
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
          plan.merge(instance.hostInfo(), partitions, QueryPlan::union);
        }
      }
      if (plan.isEmpty()) {
        throw Refusals.unavailable("no instance holds " + q.storeName() + " yet; retry shortly");
      }
    }
    return plan;
  }

  private static Set<Integer> union(Set<Integer> a, Set<Integer> b) {
    Set<Integer> out = new TreeSet<>(a);
    out.addAll(b);
    return out;
  }
}
