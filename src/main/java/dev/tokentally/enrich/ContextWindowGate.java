package dev.tokentally.enrich;

import dev.tokentally.counting.CountOutcome;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.Rejection;
import dev.tokentally.models.ModelSpec;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Input tokens, or input plus the requested output tokens, must fit the model's window. */
final class ContextWindowGate implements Gate {
  private final boolean headroom;

  /**
   * @param headroom whether the count's error bar is added before comparing ({@code
   *     tokentally.limits.context.headroom=error_bar})
   */
  ContextWindowGate(boolean headroom) {
    this.headroom = headroom;
  }

  @Override
  public Optional<Rejection> check(CountOutcome.Counted counted, String name) {
    ModelSpec model = counted.model();
    long tokens = counted.count().total();
    long window = model.contextWindow();
    Long maxOut = counted.request().maxOutputTokens();
    long extra = headroom(counted.count());
    boolean inputAlone = tokens + extra > window;
    // Compared as what is left of the window: tokens + max_tokens overflows for a max_tokens near
    // Long.MAX_VALUE, which then passed.
    if (!inputAlone && (maxOut == null || maxOut <= window - tokens - extra)) {
      return Optional.empty();
    }
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("input_tokens", tokens);
    if (extra > 0) {
      details.put("headroom_tokens", extra);
    }
    if (maxOut != null) {
      details.put("max_output_tokens", maxOut);
    }
    details.put("context_window", window);
    details.put("exceeded_by", inputAlone ? "input_tokens" : "input_tokens+max_output_tokens");
    String input = extra > 0 ? tokens + " (+" + extra + " error headroom)" : "" + tokens;
    String message =
        "input of "
            + input
            + " tokens"
            + (inputAlone ? "" : " plus max output of " + maxOut)
            + " exceeds "
            + model.id()
            + "'s context window of "
            + window;
    return Optional.of(new Rejection(ErrorCode.CONTEXT_WINDOW_EXCEEDED, message, details));
  }

  /**
   * The count times its error bar, rounded up, when headroom is on. Heuristic counts have no bar
   * and get none.
   */
  private long headroom(TokenCount count) {
    if (!headroom || count.errorPct() == null) {
      return 0;
    }
    return (long) Math.ceil(count.total() * count.errorPct() / 100.0);
  }
}
