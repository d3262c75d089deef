package dev.tokentally.request;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * How tokentally reads JSON it did not write (requests, vendor responses): nesting bounded at
 * {@link RequestParser#MAX_NESTING_DEPTH} and tokens at {@link RequestParser#MAX_JSON_TOKENS},
 * nothing after the document, and strings bounded only by the record size limit, since a base64
 * image may be most of a record.
 */
public final class UntrustedJson {
  private UntrustedJson() {}

  public static ObjectMapper mapper() {
    ObjectMapper mapper =
        JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(RequestParser.MAX_NESTING_DEPTH)
                .maxTokenCount(RequestParser.MAX_JSON_TOKENS)
                .maxStringLength(Integer.MAX_VALUE)
                .build());
    return mapper;
  }
}
