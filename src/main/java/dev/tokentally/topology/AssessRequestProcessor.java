package dev.tokentally.topology;

import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.enrich.Assessment;
import dev.tokentally.enrich.InboundRecord;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.request.RequestHeaders;
import dev.tokentally.request.SourcePosition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Runs {@link RequestAssessor} on each record. A processor rather than a DSL lambda because it
 * needs the headers (function name, model, credentials to drop) and the source offset.
 */
final class AssessRequestProcessor implements FixedKeyProcessor<byte[], byte[], Assessment> {
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
    }
    context.forward(record.withValue(assessment).withHeaders(headers));
  }
}
