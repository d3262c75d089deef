package dev.tokentally.topology;

import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.Rejection;
import dev.tokentally.metrics.RequestMetrics;
import dev.tokentally.reconcile.JoinEntry;
import dev.tokentally.reconcile.ResponseOutcome;
import dev.tokentally.reconcile.ResponseReader;
import dev.tokentally.request.RequestHeaders;
import dev.tokentally.request.SourcePosition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Reads one record of the responses topic. A response without a key cannot be joined, one larger
 * than the record limit is not parsed, and one of no known shape is not a response: each becomes a
 * dead letter with the (credential-free) payload, like a bad request.
 */
final class ReadResponseProcessor implements FixedKeyProcessor<byte[], byte[], ResponseRead> {
  private final int maxBytes;
  private final RequestMetrics metrics;
  private FixedKeyProcessorContext<byte[], ResponseRead> context;

  ReadResponseProcessor(int maxBytes, RequestMetrics metrics) {
    this.maxBytes = maxBytes;
    this.metrics = metrics;
  }

  @Override
  public void init(FixedKeyProcessorContext<byte[], ResponseRead> context) {
    this.context = context;
  }

  @Override
  public void process(FixedKeyRecord<byte[], byte[]> record) {
    Headers headers = RequestHeaders.withoutCredentials(record.headers());
    ResponseRead read = read(record);
    if (read instanceof ResponseRead.Refused refused) {
      ErrorResponse.setCodeHeader(headers, refused.code());
      metrics.responseRejected(refused.code());
    }
    context.forward(record.withValue(read).withHeaders(headers));
  }

  private ResponseRead read(FixedKeyRecord<byte[], byte[]> record) {
    byte[] value = record.value();
    if (value != null && value.length > maxBytes) {
      return refuse(
          record,
          Rejection.tooLarge("response", value.length, maxBytes),
          RequestAssessor.TOO_LARGE_PAYLOAD_KEPT);
    }
    if (record.key() == null) {
      return refuse(
          record,
          Rejection.of(
              ErrorCode.INVALID_RESPONSE,
              "a response is joined with its request by the record key, and this one has none"),
          maxBytes);
    }
    if (value == null || value.length == 0) {
      return refuse(record, Rejection.of(ErrorCode.INVALID_RESPONSE, "empty response"), maxBytes);
    }
    ResponseOutcome outcome = ResponseReader.read(value);
    if (outcome instanceof ResponseOutcome.Unreadable unreadable) {
      return refuse(
          record, Rejection.of(ErrorCode.INVALID_RESPONSE, unreadable.reason()), maxBytes);
    }
    return new ResponseRead.Joinable(JoinEntry.Response.of(outcome, record.timestamp()));
  }

  private ResponseRead refuse(
      FixedKeyRecord<byte[], byte[]> record, Rejection rejection, int keep) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    SourcePosition source =
        new SourcePosition(meta.topic(), meta.partition(), meta.offset(), record.timestamp());
    return new ResponseRead.Refused(
        rejection.code(),
        ErrorResponse.buildTruncated(
            rejection, source, ErrorResponse.RequestContext.UNKNOWN, record.value(), keep));
  }
}
