package dev.tokentally.counting;

import dev.tokentally.errors.RejectedException;
import dev.tokentally.errors.Unexpected;
import dev.tokentally.request.Api;
import dev.tokentally.request.Endpoint;
import dev.tokentally.request.LlmRequest;
import dev.tokentally.request.RequestParser;

/**
 * The one way to count a body: parse it, count it, and turn whatever refuses it into a {@link
 * CountOutcome.Refused}. The stream, the HTTP count endpoints, the {@code count} command and the
 * tests all call this, so they agree on every number and every error.
 */
public final class RequestCounting {
  private final RequestParser parser;
  private final RequestCounter counter;

  private final TextCorrection.Source corrections;

  public RequestCounting(RequestParser parser, RequestCounter counter) {
    this(parser, counter, TextCorrection.Source.NONE);
  }

  private RequestCounting(
      RequestParser parser, RequestCounter counter, TextCorrection.Source corrections) {
    this.parser = parser;
    this.counter = counter;
    this.corrections = corrections;
  }

  /**
   * The same parser and counter, with live corrections of the text model: counts of a family that
   * has one are {@code calibrated_live}. The stream and the HTTP endpoints of an instance share it.
   */
  public RequestCounting withCorrections(TextCorrection.Source corrections) {
    return new RequestCounting(parser, counter, corrections);
  }

  /** The counting of a configuration: the stream, the HTTP endpoints and {@code count} share it. */
  public static RequestCounting of(CountingSettings settings) {
    return new RequestCounting(new RequestParser(), RequestCounter.of(settings));
  }

  /** The shipped registry and default cache; for tests and tools. */
  public static RequestCounting withDefaults() {
    return new RequestCounting(new RequestParser(), RequestCounter.withDefaults());
  }

  public RequestCounter counter() {
    return counter;
  }

  public RequestParser parser() {
    return parser;
  }

  /**
   * Parses and counts one body. Whatever that throws, short of an error that must end the JVM,
   * becomes this body's {@code internal_error}: one body never stops the stream, the command or the
   * server.
   */
  public CountOutcome count(byte[] body, BodyOrigin origin) {
    LlmRequest request;
    try {
      request = parse(body, origin);
    } catch (RejectedException e) {
      return new CountOutcome.Refused(e.rejection(), null);
    } catch (RuntimeException | Error e) {
      return new CountOutcome.Refused(Unexpected.contain(e, "parse"), null);
    }
    return count(request);
  }

  /** Counts a request that is already parsed (the stream re-reads no body twice). */
  public CountOutcome count(LlmRequest request) {
    try {
      return counter.count(request, corrections);
    } catch (RejectedException e) {
      return new CountOutcome.Refused(e.rejection(), request);
    } catch (RuntimeException | Error e) {
      return new CountOutcome.Refused(Unexpected.contain(e, "count"), request);
    }
  }

  private LlmRequest parse(byte[] body, BodyOrigin origin) {
    if (origin instanceof BodyOrigin.Route r) {
      return parser.parseRouted(r.route(), body);
    }
    if (origin instanceof BodyOrigin.File f) {
      LlmRequest request = parser.parse(body, f.api(), null).withModelIfNone(f.model());
      return request.api() == Api.GEMINI_GENERATE_CONTENT
          ? request.withEndpoint(Endpoint.COUNT_TOKENS)
          : request;
    }
    return parser.parse(body, null, ((BodyOrigin.Record) origin).modelHeader());
  }
}
