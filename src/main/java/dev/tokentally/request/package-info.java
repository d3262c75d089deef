/**
 * Record values and captured HTTP requests parsed into {@link dev.tokentally.request.LlmRequest}:
 * JSON reading with limits, endpoint inference, envelope checks, metadata headers and where a
 * record came from.
 */
package dev.tokentally.request;
