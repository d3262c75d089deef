package dev.tokentally.http;

import java.util.function.BooleanSupplier;

/**
 * What {@code /health/live} and {@code /health/ready} answer. Live turns false once the process has
 * decided to exit (its stream client failed), so an orchestrator probing liveness restarts it even
 * if the exit is slow; ready is true only while records are being processed.
 */
public record Health(BooleanSupplier live, BooleanSupplier ready) {
  /** Always live and ready: for a server with no stream behind it. */
  public static final Health UP = new Health(() -> true, () -> true);
}
