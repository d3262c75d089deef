package dev.tokentally.app;

import dev.tokentally.topology.DeadLetterProcessingExceptionHandler;
import dev.tokentally.topology.RecordIsolation;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;

/** The Kafka Streams properties for a configuration: the user's settings plus the handlers. */
final class StreamsProperties {
  private StreamsProperties() {}

  static Properties of(AppConfig config, String bootstrapServers) {
    Properties props = config.kafkaProperties(bootstrapServers);
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterProcessingExceptionHandler.class.getName());
    // Every processor, so that an Error from one record reaches that handler too.
    props.put(StreamsConfig.PROCESSOR_WRAPPER_CLASS_CONFIG, RecordIsolation.class.getName());
    props.put(DeadLetterProcessingExceptionHandler.DLQ_TOPIC_CONFIG, config.topics().deadLetter());
    props.put(
        DeadLetterProcessingExceptionHandler.REQUESTS_TOPIC_CONFIG, config.topics().requests());
    props.put(
        DeadLetterProcessingExceptionHandler.RESPONSES_TOPIC_CONFIG, config.topics().responses());
    // A budgeted request crosses the by-name repartition with its enriched form and its payload, so
    // it can be twice the largest accepted input. Producer and internal topics must take that.
    String maxRecord = String.valueOf(maxRecordBytes(config));
    props.putIfAbsent(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxRecord);
    props.putIfAbsent(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), maxRecord);
    // Keys and values are read as raw bytes, which cannot fail to deserialise; should that ever
    // change, failing loudly beats silently skipping a record.
    props.putIfAbsent(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndFailExceptionHandler.class.getName());
    // A record that cannot be written must not be committed as processed: fail and restart.
    props.putIfAbsent(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DefaultProductionExceptionHandler.class.getName());
    return props;
  }

  /** The largest record tokentally writes: a counted request with enriched form and payload. */
  static int maxRecordBytes(AppConfig config) {
    long bytes = 2L * config.requestMaxBytes() + 1024 * 1024;
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }
}
