package dev.tokentally.counting;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.models.ModelSpec;
import java.util.Map;

/** What counting one request produced: a count for a known model, or why there is none. */
public sealed interface CountResult {

  record Counted(TokenCount count, ModelSpec model) implements CountResult {}

  record Refused(ErrorCode code, String message, Map<String, Object> details)
      implements CountResult {
    public Refused {
      details = Map.copyOf(details);
    }
  }
}
