package dev.tokentally.topology;

import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.TopologyDescription;

/** Renders a topology description as a Mermaid flowchart: topics and stores as cylinders. */
final class TopologyDiagram {
  private TopologyDiagram() {}

  static String mermaid(TopologyDescription description) {
    StringBuilder out = new StringBuilder("flowchart LR\n");
    Set<String> edges = new LinkedHashSet<>();
    Set<String> topics = new TreeSet<>();
    Set<String> stores = new TreeSet<>();
    description.subtopologies().stream()
        .sorted(Comparator.comparingInt(TopologyDescription.Subtopology::id))
        .forEach(
            sub -> {
              out.append("  subgraph sub")
                  .append(sub.id())
                  .append("[\"sub-topology ")
                  .append(sub.id())
                  .append("\"]\n");
              sub.nodes().stream()
                  .sorted(Comparator.comparing(TopologyDescription.Node::name))
                  .forEach(
                      node -> {
                        out.append("    ").append(id("n", node.name()));
                        out.append(node instanceof TopologyDescription.Processor ? "[\"" : "([\"");
                        out.append(node.name());
                        out.append(
                            node instanceof TopologyDescription.Processor ? "\"]\n" : "\"])\n");
                        for (TopologyDescription.Node next : node.successors()) {
                          edges.add(id("n", node.name()) + " --> " + id("n", next.name()));
                        }
                        if (node instanceof TopologyDescription.Source source) {
                          for (String topic : source.topicSet()) {
                            topics.add(topic);
                            edges.add(id("t", topic) + " --> " + id("n", node.name()));
                          }
                        } else if (node instanceof TopologyDescription.Sink sink) {
                          topics.add(sink.topic());
                          edges.add(id("n", node.name()) + " --> " + id("t", sink.topic()));
                        } else if (node instanceof TopologyDescription.Processor processor) {
                          for (String store : processor.stores()) {
                            stores.add(store);
                            edges.add(id("n", node.name()) + " -.- " + id("s", store));
                          }
                        }
                      });
              out.append("  end\n");
            });
    topics.forEach(
        t -> out.append("  ").append(id("t", t)).append("[(\"").append(t).append("\")]\n"));
    stores.forEach(
        s -> out.append("  ").append(id("s", s)).append("[(\"store: ").append(s).append("\")]\n"));
    edges.stream().sorted().forEach(e -> out.append("  ").append(e).append('\n'));
    return out.toString();
  }

  private static String id(String prefix, String name) {
    return prefix + "_" + name.replaceAll("[^A-Za-z0-9]", "_");
  }
}
