package dev.tokentally.topology;

import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.enrich.Assessment;
import dev.tokentally.enrich.InboundRecord;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.request.RequestHeaders;
import dev.tokentally.request.SourcePosition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link RequestAssessor} on each record. A processor rather than a DSL lambda because it
 * needs the headers (function name, model, credentials to drop) and the source offset.
 */
final class AssessRequestProcessor implements FixedKeyProcessor<byte[], byte[], Assessment> {
  private static final Logger log = LoggerFactory.getLogger(AssessRequestProcessor.class);
  private final RequestAssessor assessor;
  private final RequestMetrics metrics;
  private FixedKeyProcessorContext<byte[], Assessment> context;

  AssessRequestProcessor(RequestAssessor assessor, RequestMetrics metrics) {
    this.assessor = assessor;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<byte[], Assessment> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<byte[], byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    Headers headers = RequestHeaders.withoutCredentials(record.headers());
    long started = System.nanoTime();
    Assessment assessment =
        assessor.assess(
            new InboundRecord(
                record.key(),
                record.value(),
                RequestHeaders.name(headers),
                RequestHeaders.text(headers, RequestHeaders.SPAN_ID),
                RequestHeaders.text(headers, RequestHeaders.MODEL),
                new SourcePosition(
                    meta.topic(), meta.partition(), meta.offset(), record.timestamp())));
    metrics.counted("stream", System.nanoTime() - started);
    if (assessment instanceof Assessment.Rejected rejected) {
      ErrorResponse.setCodeHeader(headers, rejected.code());
      if (rejected.code() == ErrorCode.INTERNAL_ERROR) {
        // Counting contained an unexpected failure; say where, once. The class only: a message
        // could quote the record.
        log.warn(
            "counting failed at {}-{}@{}: {}; sent to the dead-letter topic",
            meta.topic(),
            meta.partition(),
            meta.offset(),
            rejected.rejection().details().get("exception"));
      }
    }
    context.forward(record.withValue(assessment).withHeaders(headers));
  }
}
