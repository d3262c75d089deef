package dev.tokentally.enrich;

import dev.tokentally.counting.CountOutcome;
import dev.tokentally.errors.Rejection;
import java.util.Optional;

/** One per-request check on a counted request; the first that refuses decides. */
interface Gate {
  /**
   * @param name the request's function name, or null
   */
  Optional<Rejection> check(CountOutcome.Counted counted, String name);
}
