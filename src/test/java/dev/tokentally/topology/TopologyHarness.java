package dev.tokentally.topology;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tokentally.app.AppConfig;
import dev.tokentally.app.ConfigLoader;
import dev.tokentally.app.Wiring;
import dev.tokentally.testing.RecordSchemas;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The production topology under TopologyTestDriver, configured from environment-style settings
 * exactly as {@code main} would be, with every output read back through its JSON Schema.
 */
final class TopologyHarness implements AutoCloseable {
  final AppConfig config;
  final TopologyTestDriver driver;
  private final String description;
  private final TestInputTopic<byte[], byte[]> requests;
  private final TestOutputTopic<byte[], byte[]> enriched;
  private final TestOutputTopic<byte[], byte[]> deadLetters;
  private final Map<String, TestOutputTopic<byte[], byte[]>> usage;
  private final TestInputTopic<byte[], byte[]> responses;
  private final TestOutputTopic<byte[], byte[]> reconciled;

  TopologyHarness(Map<String, String> env) {
    this(env, new SimpleMeterRegistry());
  }

  /**
   * @param registry where the application's meters go, for tests that read them
   */
  TopologyHarness(Map<String, String> env, MeterRegistry registry) {
    config = ConfigLoader.load(null, env);
    Wiring wiring = TopologyFixture.wiring(config, registry);
    var props = wiring.streamsProperties("unused:9092");
    var topology = wiring.topology(props);
    description = topology.describe().toString();
    driver = new TopologyTestDriver(topology, props);
    var topics = config.topics();
    requests =
        driver.createInputTopic(
            topics.requests(), new ByteArraySerializer(), new ByteArraySerializer());
    enriched = output(topics.enriched());
    deadLetters = output(topics.deadLetter());
    responses =
        driver.createInputTopic(
            topics.responses(), new ByteArraySerializer(), new ByteArraySerializer());
    reconciled = output(topics.reconciled());
    usage =
        Map.of(
            "by-model", output(topics.usageByModel()),
            "by-name", output(topics.usageByName()),
            "by-name-model", output(topics.usageByNameModel()));
  }

  private TestOutputTopic<byte[], byte[]> output(String topic) {
    return driver.createOutputTopic(
        topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  void pipe(String key, byte[] value, Instant at, String... headerPairs) {
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.add(headerPairs[i], utf8(headerPairs[i + 1]));
    }
    requests.pipeInput(new TestRecord<>(utf8(key), value, headers, at));
  }

  void pipe(String key, String value, Instant at, String... headerPairs) {
    pipe(key, utf8(value), at, headerPairs);
  }

  String topologyDescription() {
    return description;
  }

  /** A vendor response on the responses topic. */
  void respond(String key, String value, Instant at, String... headerPairs) {
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.add(headerPairs[i], utf8(headerPairs[i + 1]));
    }
    responses.pipeInput(new TestRecord<>(utf8(key), utf8(value), headers, at));
  }

  /** Every reconciled record written so far, schema-checked, by key. */
  Map<String, JsonNode> reconciled() {
    Map<String, JsonNode> out = new java.util.LinkedHashMap<>();
    for (TestRecord<byte[], byte[]> r : reconciled.readRecordsToList()) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      JsonNode value = RecordSchemas.RECONCILED.assertValid(r.value());
      if (out.put(key, value) != null) {
        throw new AssertionError("two reconciled records for " + key);
      }
    }
    return out;
  }

  /** The next enriched record, schema-checked. */
  JsonNode enriched() {
    return RecordSchemas.ENRICHED.assertValid(enriched.readValue());
  }

  TestRecord<byte[], byte[]> enrichedRecord() {
    TestRecord<byte[], byte[]> record = enriched.readRecord();
    RecordSchemas.ENRICHED.assertValid(record.value());
    return record;
  }

  /** The next dead letter, schema-checked. */
  JsonNode deadLetter() {
    return RecordSchemas.DEAD_LETTER.assertValid(deadLetters.readValue());
  }

  TestRecord<byte[], byte[]> deadLetterRecord() {
    TestRecord<byte[], byte[]> record = deadLetters.readRecord();
    RecordSchemas.DEAD_LETTER.assertValid(record.value());
    return record;
  }

  boolean noEnriched() {
    return enriched.isEmpty();
  }

  boolean noDeadLetters() {
    return deadLetters.isEmpty();
  }

  /** Every usage record written so far to one usage topic, key and value schema-checked. */
  List<JsonNode> usage(String dimension) {
    // Usage is combined per input task and sent on by wall-clock punctuation.
    driver.advanceWallClockTime(config.usage().flush());
    List<JsonNode> out = new ArrayList<>();
    for (TestRecord<byte[], byte[]> r : usage.get(dimension).readRecordsToList()) {
      JsonNode key = RecordSchemas.USAGE_KEY.assertValid(r.key());
      JsonNode value = RecordSchemas.USAGE.assertValid(r.value());
      if (!key.path("window").equals(value.path("window"))) {
        throw new AssertionError("key and value disagree: " + key + " vs " + value);
      }
      out.add(value);
    }
    return out;
  }

  @Override
  public void close() {
    driver.close();
  }
}
