package dev.tokentally.topology;

import dev.tokentally.credentials.CredentialRedactor;
import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.enrich.CountedRequest;
import dev.tokentally.enrich.CountedRequestSerde;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.Unexpected;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.request.SourcePosition;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an unexpected exception inside the topology (or an error {@link RecordIsolation} caught)
 * into an {@code internal_error} dead letter in the same JSON envelope as every other rejection,
 * and lets the stream go on. Without it one bad record would stop the application (Streams' default
 * is to fail).
 *
 * <p>Where the failing record came from decides what is written. An input record, or a counted
 * request on the by-name repartition topic (unwrapped to the original key, payload and offset),
 * becomes a dead letter. A usage event has already been written out as enriched or dead letter, so
 * a second record for it would break "exactly one output per input": it is logged and skipped, and
 * Streams' {@code dropped-records} metric counts it. The same holds for an accepted request failing
 * in reconciliation, after its output. A vendor response has no other output, so it becomes a dead
 * letter wherever it fails.
 */
public final class DeadLetterProcessingExceptionHandler implements ProcessingExceptionHandler {
  /** Streams passes every application property to handlers; these name the topics. */
  public static final String DLQ_TOPIC_CONFIG = "tokentally.topic.dlq";

  public static final String REQUESTS_TOPIC_CONFIG = "tokentally.topic.requests";

  public static final String RESPONSES_TOPIC_CONFIG = "tokentally.topic.responses";

  /** Nodes an accepted request reaches only after its enriched record was written. */
  private static final Set<String> AFTER_OUTPUT =
      Set.of(
          Names.UNBUDGETED_ESTIMATE,
          Names.BUDGETED_ESTIMATE,
          Names.RECONCILE,
          Names.METER_RECONCILED,
          Names.RECONCILED_JSON,
          Names.RECONCILED_USAGE,
          Names.SETTLEMENT,
          Names.CALIBRATION_SAMPLE);

  private static final Logger log =
      LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

  private String deadLetterTopic;
  private String requestsTopic;
  private String responsesTopic;
  private RequestMetrics metrics = RequestMetrics.discarding();

  @Override
  public void configure(Map<String, ?> configs) {
    deadLetterTopic = required(configs, DLQ_TOPIC_CONFIG);
    requestsTopic = required(configs, REQUESTS_TOPIC_CONFIG);
    Object responses = configs.get(RESPONSES_TOPIC_CONFIG);
    responsesTopic = responses == null ? null : responses.toString();
    // Streams hands its original properties to handlers, objects included.
    if (configs.get(RequestMetrics.CONFIG_KEY) instanceof RequestMetrics m) {
      metrics = m;
    }
  }

  private String required(Map<String, ?> configs, String key) {
    Object value = configs.get(key);
    if (value == null) {
      throw new IllegalArgumentException(key + " must be set for " + getClass());
    }
    return value.toString();
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
    Throwable cause = RecordIsolation.unwrap(e);
    String failure = cause.getClass().getName();
    byte[] rawValue = context.sourceRawValue();
    boolean response = context.topic() != null && context.topic().equals(responsesTopic);
    boolean counted = !response && CountedRequestSerde.isCountedRequest(rawValue);
    boolean written = !response && AFTER_OUTPUT.contains(context.processorNodeId());
    if (written || (!counted && !response && !requestsTopic.equals(context.topic()))) {
      // Only the class and message: a stack trace could carry request content into the log.
      log.error(
          "usage aggregation failed at {}-{}@{} in {}: {}; this record is left out of usage totals",
          context.topic(),
          context.partition(),
          context.offset(),
          context.processorNodeId(),
          failure);
      return Response.resume();
    }
    SourcePosition source;
    byte[] key;
    byte[] payload;
    if (counted) {
      CountedRequest request = CountedRequestSerde.read(rawValue);
      source = request.source();
      key = request.key();
      payload = request.payload();
    } else {
      source =
          new SourcePosition(
              context.topic(), context.partition(), context.offset(), context.timestamp());
      key = context.sourceRawKey();
      payload = CredentialRedactor.redact(rawValue);
    }
    log.warn(
        "processing failed at {}-{}@{} in {}: {}; sent to {}",
        source.topic(),
        source.partition(),
        source.offset(),
        context.processorNodeId(),
        failure,
        deadLetterTopic);
    byte[] value =
        ErrorResponse.build(
            Unexpected.rejection(cause, context.processorNodeId()),
            source,
            ErrorResponse.RequestContext.UNKNOWN,
            payload);
    RecordHeaders headers = new RecordHeaders();
    ErrorResponse.setCodeHeader(headers, ErrorCode.INTERNAL_ERROR);
    metrics.failed();
    return Response.resume(
        List.of(
            new ProducerRecord<>(deadLetterTopic, null, context.timestamp(), key, value, headers)));
  }
}
