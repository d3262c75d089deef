package dev.tokentally.http;

import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Rejection;
import io.javalin.http.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Reads request bodies up to a size limit, and bounds the bytes held by all requests at once, so a
 * burst of large bodies gets 503s instead of exhausting the heap. A body over the limit is refused
 * from its Content-Length before it is read, or as soon as a chunked body passes the limit.
 */
final class RequestBodies {
  private static final int CHUNK = 64 * 1024;

  /**
   * How much of an oversized body is read and thrown away before the 413 goes out. Closing a
   * connection with unread bytes in its receive buffer resets it, and the client may then lose the
   * answer; a body only somewhat over the limit is drained so it gets the 413. Larger ones are cut.
   */
  private static final long DRAIN_BYTES = 1 << 20;

  private final long maxBytes;
  private final Semaphore inFlightKiB;

  /**
   * @param maxBytes largest body accepted
   * @param maxInFlightBytes bytes all requests together may hold; at least {@code maxBytes}
   */
  RequestBodies(long maxBytes, long maxInFlightBytes) {
    this.maxBytes = maxBytes;
    this.inFlightKiB = new Semaphore((int) Math.min(Integer.MAX_VALUE, maxInFlightBytes / 1024));
  }

  long maxBytes() {
    return maxBytes;
  }

  /** A body held in memory; {@link #close()} gives its bytes back to the in-flight budget. */
  static final class Body implements AutoCloseable {
    private final byte[] bytes;
    private final Runnable release;

    private Body(byte[] bytes, Runnable release) {
      this.bytes = bytes;
      this.release = release;
    }

    byte[] bytes() {
      return bytes;
    }

    @Override
    public void close() {
      release.run();
    }
  }

  Body read(Context ctx) {
    long declared = ctx.req().getContentLengthLong();
    if (declared > maxBytes) {
      // A client that sent "Expect: 100-continue" has not sent the body; there is nothing to drain.
      if (ctx.header("Expect") == null && declared <= maxBytes + DRAIN_BYTES) {
        drain(ctx, declared);
      }
      throw tooLarge(declared);
    }
    int heldKiB = 0;
    try (InputStream in = ctx.req().getInputStream()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : CHUNK);
      byte[] chunk = new byte[CHUNK];
      long total = 0;
      for (int n; (n = in.read(chunk)) > 0; ) {
        total += n;
        if (total > maxBytes) {
          drain(in, DRAIN_BYTES);
          throw tooLarge(total);
        }
        int needKiB = (int) ((total + 1023) / 1024) - heldKiB;
        if (needKiB > 0) {
          if (!inFlightKiB.tryAcquire(needKiB, 2, TimeUnit.SECONDS)) {
            throw Refusals.unavailable(
                "too many large requests in flight; retry shortly (Retry-After)");
          }
          heldKiB += needKiB;
        }
        out.write(chunk, 0, n);
      }
      int held = heldKiB;
      heldKiB = 0;
      return new Body(out.toByteArray(), () -> inFlightKiB.release(held));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the request body", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Refusals.unavailable("interrupted while waiting to read the request body");
    } finally {
      if (heldKiB > 0) {
        inFlightKiB.release(heldKiB);
      }
    }
  }

  private static void drain(Context ctx, long bytes) {
    try (InputStream in = ctx.req().getInputStream()) {
      drain(in, bytes);
    } catch (IOException e) {
      // The client went away; the 413 is still the answer.
    }
  }

  /** Reads and discards up to {@code bytes}, holding none of them. */
  private static void drain(InputStream in, long bytes) {
    byte[] sink = new byte[8192];
    try {
      for (long left = bytes; left > 0; ) {
        int n = in.read(sink, 0, (int) Math.min(sink.length, left));
        if (n < 0) {
          return;
        }
        left -= n;
      }
    } catch (IOException e) {
      // As above: nothing more to read from a client that is gone.
    }
  }

  private RejectedException tooLarge(long bytes) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("bytes_at_least", bytes);
    details.put("max_bytes", maxBytes);
    return new Rejection(
            ErrorCode.PAYLOAD_TOO_LARGE,
            "request body is larger than the limit of " + maxBytes + " bytes",
            details)
        .exception();
  }
}
