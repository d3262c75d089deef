package dev.tokentally.limits;

import dev.tokentally.config.ConfigException;
import dev.tokentally.config.Durations;
import java.time.Duration;
import java.util.Locale;

/**
 * A budget: at most {@code limit} of one {@link Measure} per {@code window} for one function name.
 * Windows are aligned to the epoch (like Kafka Streams' tumbling windows) and read from record
 * timestamps, so replaying the input reproduces every decision.
 *
 * @param name the X-Opper-Name it applies to, or {@code *} for every name, each on its own
 * @param limit tokens, or nano-USD for {@link Measure#USD}: whole numbers keep sums exact
 */
public record Budget(String name, Measure measure, long limit, Duration window) {
  public static final String ANY_NAME = "*";

  /** What a budget counts. */
  public enum Measure {
    /** Input tokens: the estimate at gating, the billed input (cache included) once settled. */
    INPUT("input"),
    /** Input plus output tokens; output is reserved at the request's {@code max_tokens}. */
    INPUT_OUTPUT("input_output"),
    /** US dollars at the registry's rates; output is reserved at {@code max_tokens}. */
    USD("usd");

    private final String wire;

    Measure(String wire) {
      this.wire = wire;
    }

    public String wire() {
      return wire;
    }

    /**
     * Whether the measure counts output, which is reserved at gating and known only once billed.
     */
    public boolean countsOutput() {
      return this != INPUT;
    }

    public static Measure ofWire(String wire) {
      for (Measure m : values()) {
        if (m.wire.equals(wire.toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new ConfigException(
          "limits file: budgets[].counts must be input, input_output or usd, got " + wire);
    }
  }

  public Budget {
    if (name == null || name.isBlank()) {
      throw new ConfigException("a budget needs a name (or \"*\")");
    }
    if (limit <= 0) {
      throw new ConfigException("a budget's limit must be positive, got " + limit + " for " + name);
    }
    if (window.isNegative() || window.isZero()) {
      throw new ConfigException("budget window must be positive for " + name);
    }
  }

  /** An input-token budget. */
  public Budget(String name, long tokens, Duration window) {
    this(name, Measure.INPUT, tokens, window);
  }

  public boolean appliesTo(String requestName) {
    return requestName != null && (name.equals(ANY_NAME) || name.equals(requestName));
  }

  /** Start of the window a timestamp falls in. */
  public long windowStart(long timestampMs) {
    long size = window.toMillis();
    return timestampMs - Math.floorMod(timestampMs, size);
  }

  /**
   * State-store key: stable while the budget's name, window and measure stay, whatever its size. An
   * input budget keeps the key it had before budgets had measures, so its state carries over.
   */
  public String stateKey(String requestName) {
    String measureSuffix = measure == Measure.INPUT ? "" : "/" + measure.wire();
    return name + "@" + Durations.label(window) + measureSuffix + "\n" + requestName;
  }

  /** The limit as people read it: tokens, or dollars. */
  public String limitLabel() {
    return Spend.label(measure, limit);
  }
}
