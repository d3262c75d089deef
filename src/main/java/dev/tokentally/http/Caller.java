package dev.tokentally.http;

import dev.tokentally.access.ApiKey;

/** Who made a request, once {@link Guard} let it through. */
sealed interface Caller {
  /** Whether usage of this function name may be shown to the caller. */
  boolean sees(String name);

  /** Whether totals across all names (usage by model) may be shown to the caller. */
  boolean seesAllNames();

  /** No authentication: loopback only, or {@code tokentally.http.auth=none}. */
  record Anyone() implements Caller {
    @Override
    public boolean sees(String name) {
      return true;
    }

    @Override
    public boolean seesAllNames() {
      return true;
    }
  }

  record Keyed(ApiKey key) implements Caller {
    @Override
    public boolean sees(String name) {
      return key.sees(name);
    }

    @Override
    public boolean seesAllNames() {
      return key.seesAllNames();
    }
  }
}
