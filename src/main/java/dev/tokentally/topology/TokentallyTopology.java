package dev.tokentally.topology;

import dev.tokentally.config.AppConfig.Topics;
import dev.tokentally.enrich.Assessment;
import dev.tokentally.enrich.RequestAssessor;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The stream processor, built as a pure function of its settings so {@code main} and the tests run
 * the same topology.
 *
 * <ul>
 *   <li>reads {@code requests} (key: bytes, passed through; value: a request body, any bytes)
 *   <li>writes {@code enriched} (same key; value: enriched JSON with the input token count)
 *   <li>writes {@code deadLetter} (same key; value: ErrorResponse JSON with the original payload;
 *       header {@code tokentally-error-code})
 * </ul>
 *
 * Keys and values are read as raw bytes so that no input can fail deserialisation: malformed values
 * become dead letters with their bytes intact instead of being dropped by a handler.
 */
public final class TokentallyTopology {
  private TokentallyTopology() {}

  public static Topology build(Topics topics, RequestAssessor assessor, Properties props) {
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    Serde<byte[]> bytes = Serdes.ByteArray();
    Serde<Assessment> assessments =
        Serdes.serdeFrom(
            (topic, a) -> a.value(),
            (topic, b) -> {
              throw new UnsupportedOperationException("assessments are never read back");
            });

    KStream<byte[], Assessment> assessed =
        builder.stream(topics.requests(), Consumed.with(bytes, bytes).withName(Names.READ_REQUESTS))
            .processValues(
                () -> new AssessRequestProcessor(assessor), Named.as(Names.ASSESS_REQUEST));

    Map<String, KStream<byte[], Assessment>> routes =
        assessed
            .split(Named.as(Names.ROUTE))
            .branch((key, a) -> a instanceof Assessment.Enriched, Branched.as(Names.ACCEPTED))
            .defaultBranch(Branched.as(Names.REJECTED));

    routes
        .get(Names.ROUTE + Names.ACCEPTED)
        .to(topics.enriched(), Produced.with(bytes, assessments).withName(Names.WRITE_ENRICHED));
    routes
        .get(Names.ROUTE + Names.REJECTED)
        .to(
            topics.deadLetter(),
            Produced.with(bytes, assessments).withName(Names.WRITE_DEAD_LETTERS));
    return builder.build(props);
  }
}
