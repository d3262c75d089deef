package dev.tokentally.enrich;

import dev.tokentally.counting.CountOutcome;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.Rejection;
import dev.tokentally.limits.Limits;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The configured per-request caps: default, per model, per function name; the tightest wins. */
final class RequestCapGate implements Gate {
  private final Limits limits;

  RequestCapGate(Limits limits) {
    this.limits = limits;
  }

  @Override
  public Optional<Rejection> check(CountOutcome.Counted counted, String name) {
    long tokens = counted.count().total();
    return limits
        .exceededCap(counted.model().id(), counted.request().model(), name, tokens)
        .map(
            cap -> {
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("input_tokens", tokens);
              details.put("limit", cap.maxTokens());
              details.put("scope", cap.scope());
              details.put("subject", cap.subject());
              return new Rejection(
                  ErrorCode.REQUEST_TOKEN_LIMIT_EXCEEDED,
                  "input of "
                      + tokens
                      + " tokens exceeds the "
                      + cap.scope()
                      + " cap of "
                      + cap.maxTokens()
                      + " tokens per request",
                  details);
            });
  }
}
