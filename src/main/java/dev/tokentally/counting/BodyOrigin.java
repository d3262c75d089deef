package dev.tokentally.counting;

import dev.tokentally.request.Api;
import dev.tokentally.request.RequestPath;

/** Where a body came from, which decides how it is read and which count it answers with. */
public sealed interface BodyOrigin {

  /**
   * A record value on the input topic: a bare body or a captured HTTP request.
   *
   * @param modelHeader the record's model header, for bodies that name no model; or null
   */
  record Record(String modelHeader) implements BodyOrigin {}

  /** A body posted to one of the vendors' count endpoints; its path names endpoint and model. */
  record Route(RequestPath.Route route) implements BodyOrigin {}

  /**
   * A body read from a file by the {@code count} command, answered as the vendor's count endpoint
   * would: Gemini bodies as countTokens, which Gemini accounts apart from the generateContent it
   * bills (per-Content roles on 2.0, function declarations on 1.5).
   *
   * @param api the API the body belongs to, or null to decide from its shape
   * @param model the model for bodies that name none, or null
   */
  record File(Api api, String model) implements BodyOrigin {}
}
