package dev.tokentally.enrich;

import dev.tokentally.request.SourcePosition;

/**
 * One input record as the assessor sees it: key and value bytes plus what its Kafka headers said.
 * Credential headers are gone before one of these is built.
 *
 * @param name the cleaned X-Opper-Name, or null
 * @param spanId X-Opper-Parent-Span-Id, or null
 * @param modelHeader X-Tokentally-Model, or null
 */
public record InboundRecord(
    byte[] key,
    byte[] value,
    String name,
    String spanId,
    String modelHeader,
    SourcePosition source) {}
