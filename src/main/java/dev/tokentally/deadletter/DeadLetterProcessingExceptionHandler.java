package dev.tokentally.deadletter;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an unexpected exception inside the topology into an {@code internal_error} dead letter in
 * the same JSON envelope as every other rejection, and lets the stream go on. Without it one bad
 * record would stop the application (Streams' default is to fail).
 */
public final class DeadLetterProcessingExceptionHandler implements ProcessingExceptionHandler {
  /** Streams passes every application property to handlers; this one names the target topic. */
  public static final String DLQ_TOPIC_CONFIG = "tokentally.topic.dlq";

  private static final Logger log =
      LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

  private String deadLetterTopic;

  @Override
  public void configure(Map<String, ?> configs) {
    Object topic = configs.get(DLQ_TOPIC_CONFIG);
    if (topic == null) {
      throw new IllegalArgumentException(DLQ_TOPIC_CONFIG + " must be set for " + getClass());
    }
    deadLetterTopic = topic.toString();
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
    // Only the class and message: a stack trace could carry request content into the log.
    log.warn(
        "processing failed at {}-{}@{} in {}: {}; sent to {}",
        context.topic(),
        context.partition(),
        context.offset(),
        context.processorNodeId(),
        e.getClass().getName(),
        deadLetterTopic);
    byte[] value =
        ErrorResponse.build(
            ErrorCode.INTERNAL_ERROR,
            "unexpected error while processing the record; it can be replayed from the payload",
            Map.of("exception", e.getClass().getName(), "processor", context.processorNodeId()),
            new SourcePosition(
                context.topic(), context.partition(), context.offset(), context.timestamp()),
            ErrorResponse.RequestContext.UNKNOWN,
            context.sourceRawValue());
    RecordHeaders headers = new RecordHeaders();
    headers.add(
        ErrorResponse.CODE_HEADER,
        ErrorCode.INTERNAL_ERROR.code().getBytes(StandardCharsets.UTF_8));
    return Response.resume(
        List.of(
            new ProducerRecord<>(
                deadLetterTopic,
                null,
                context.timestamp(),
                context.sourceRawKey(),
                value,
                headers)));
  }
}
