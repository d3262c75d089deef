package dev.tokentally.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.BodyOrigin;
import dev.tokentally.counting.CountOutcome;
import dev.tokentally.counting.CountResponses;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.deadletter.ErrorResponse;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.errors.Rejection;
import dev.tokentally.request.Api;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code count [--model M] [--api anthropic|gemini] FILE...|-}: counts request bodies offline with
 * the same code as the stream and prints, per body, what the vendor's count endpoint would answer.
 * JSONL files ({@code .jsonl}, {@code .ndjson}, or any input that is one JSON object per line)
 * count one body per line, with a progress bar on a terminal and a per-model summary at the end.
 * Exit code 2 when any input is invalid; each error is an ErrorResponse JSON line on stderr.
 */
public final class CountCommand {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String USAGE =
      "usage: tokentally count [--config FILE] [--model MODEL] [--api anthropic|gemini] FILE..."
          + " (- reads stdin)";

  private final RequestCounting counting;
  private final BodyOrigin origin;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;
  private final Map<String, Summary> summary = new TreeMap<>();
  private boolean failed;

  private CountCommand(
      RequestCounting counting,
      BodyOrigin origin,
      PrintStream out,
      PrintStream err,
      boolean terminal) {
    this.counting = counting;
    this.origin = origin;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  /**
   * @param args the command's arguments, without {@code --config FILE}: the caller has already
   *     built {@code counting} from the configuration, as for the stream and the HTTP endpoints
   */
  public static int run(
      List<String> args,
      RequestCounting counting,
      InputStream stdin,
      PrintStream out,
      PrintStream err) {
    return run(args, counting, stdin, out, err, System.console() != null);
  }

  static int run(
      List<String> args,
      RequestCounting counting,
      InputStream stdin,
      PrintStream out,
      PrintStream err,
      boolean terminal) {
    String model = null;
    Api api = null;
    List<String> files = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if ((arg.equals("--model") || arg.equals("--api")) && i + 1 < args.size()) {
        String value = args.get(++i);
        if (arg.equals("--model")) {
          model = value;
        } else if (value.equals("anthropic")) {
          api = Api.ANTHROPIC_MESSAGES;
        } else if (value.equals("gemini")) {
          api = Api.GEMINI_GENERATE_CONTENT;
        } else {
          err.println(USAGE);
          return 2;
        }
      } else if (arg.startsWith("--")) {
        err.println(USAGE);
        return 2;
      } else {
        files.add(arg);
      }
    }
    if (files.isEmpty()) {
      err.println(USAGE);
      return 2;
    }
    CountCommand command =
        new CountCommand(counting, new BodyOrigin.File(api, model), out, err, terminal);
    for (String file : files) {
      command.file(file, stdin);
    }
    command.printSummary();
    return command.failed ? 2 : 0;
  }

  private void file(String file, InputStream stdin) {
    byte[] content;
    try {
      content = file.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
    } catch (IOException e) {
      error(
          null,
          new Rejection(
              ErrorCode.INVALID_REQUEST,
              "cannot read " + file + ": " + e.getMessage(),
              Map.of("file", file)));
      return;
    }
    boolean named = file.endsWith(".jsonl") || file.endsWith(".ndjson");
    CountOutcome whole = named ? null : counting.count(content, origin);
    boolean unparsed = whole instanceof CountOutcome.Refused r && r.request() == null;
    List<byte[]> lines = named || unparsed ? lines(content) : List.of();
    if (!named && lines.size() < 2) {
      print(file, whole);
      return;
    }
    for (int i = 0; i < lines.size(); i++) {
      print(file + ":" + (i + 1), counting.count(lines.get(i), origin));
      if (terminal && (i % 100 == 99 || i == lines.size() - 1)) {
        progress(i + 1, lines.size());
      }
    }
  }

  private static List<byte[]> lines(byte[] content) {
    List<byte[]> lines = new ArrayList<>();
    for (String line : new String(content, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        lines.add(line.getBytes(StandardCharsets.UTF_8));
      }
    }
    return lines;
  }

  private void print(String label, CountOutcome outcome) {
    if (outcome instanceof CountOutcome.Refused refused) {
      error(label, refused.rejection());
      return;
    }
    CountOutcome.Counted counted = (CountOutcome.Counted) outcome;
    TokenCount count = counted.count();
    ObjectNode response = MAPPER.createObjectNode();
    response.put(counted.request().api().countField(), count.total());
    response.put("model", counted.model().id());
    response.put("count_method", count.method().label());
    CountResponses.putErrorPct(response, count);
    response.set("breakdown", MAPPER.valueToTree(count.breakdown()));
    if (!count.notes().isEmpty()) {
      response.set("notes", MAPPER.valueToTree(count.notes()));
    }
    out.println(response);
    summary.computeIfAbsent(counted.model().id(), k -> new Summary()).add(count);
  }

  private void progress(int done, int total) {
    int width = 30;
    int filled = (int) ((long) done * width / total);
    err.print("\r[" + "#".repeat(filled) + " ".repeat(width - filled) + "] " + done + "/" + total);
    if (done == total) {
      err.println();
    }
    err.flush();
  }

  private void printSummary() {
    if (summary.isEmpty()) {
      return;
    }
    err.printf("%-32s %8s %14s %10s  %s%n", "model", "requests", "input tokens", "mean", "methods");
    summary.forEach(
        (id, s) ->
            err.printf(
                "%-32s %8d %14d %10.1f  %s%n",
                id, s.requests, s.tokens, (double) s.tokens / s.requests, s.methods));
  }

  /**
   * An ErrorResponse line on stderr.
   *
   * @param label the input it is about ({@code file} or {@code file:line}), put before the message
   */
  private void error(String label, Rejection rejection) {
    failed = true;
    Rejection shown =
        label == null
            ? rejection
            : new Rejection(
                rejection.code(), label + ": " + rejection.message(), rejection.details());
    err.println(ErrorResponse.error(shown));
  }

  private static final class Summary {
    private long requests;
    private long tokens;
    private final Map<String, Integer> methods = new TreeMap<>();

    void add(TokenCount count) {
      requests++;
      tokens += count.total();
      methods.merge(count.method().label(), 1, Integer::sum);
    }
  }
}
