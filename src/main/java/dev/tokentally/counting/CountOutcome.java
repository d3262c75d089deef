package dev.tokentally.counting;

import dev.tokentally.errors.Rejection;
import dev.tokentally.models.ModelSpec;
import dev.tokentally.request.LlmRequest;

/** What counting one body produced: a count for a known model, or why there is none. */
public sealed interface CountOutcome {

  /**
   * @param request the parsed request
   * @param model the model it was counted for
   */
  record Counted(LlmRequest request, ModelSpec model, TokenCount count) implements CountOutcome {}

  /**
   * @param request the parsed request when the body parsed and counting refused it; null when the
   *     body did not parse
   */
  record Refused(Rejection rejection, LlmRequest request) implements CountOutcome {}
}
