package dev.tokentally.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.CountResponses;
import dev.tokentally.counting.CountResult;
import dev.tokentally.counting.RequestCounter;
import dev.tokentally.counting.TokenCount;
import dev.tokentally.errors.ErrorCode;
import dev.tokentally.request.Api;
import dev.tokentally.request.Endpoint;
import dev.tokentally.request.LlmRequest;
import dev.tokentally.request.ParseResult;
import dev.tokentally.request.RequestParser;
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

  private final RequestParser parser = new RequestParser();
  private final RequestCounter counter;
  private final String model;
  private final Api api;
  private final PrintStream out;
  private final PrintStream err;
  private final boolean terminal;
  private final Map<String, Summary> summary = new TreeMap<>();
  private boolean failed;

  private CountCommand(
      RequestCounter counter,
      String model,
      Api api,
      PrintStream out,
      PrintStream err,
      boolean terminal) {
    this.counter = counter;
    this.model = model;
    this.api = api;
    this.out = out;
    this.err = err;
    this.terminal = terminal;
  }

  /**
   * @param args the command's arguments, without {@code --config FILE}: the caller has already
   *     built {@code counter} from the configuration, as for the stream and the HTTP endpoints
   */
  public static int run(
      List<String> args,
      RequestCounter counter,
      InputStream stdin,
      PrintStream out,
      PrintStream err) {
    return run(args, counter, stdin, out, err, System.console() != null);
  }

  static int run(
      List<String> args,
      RequestCounter counter,
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
    CountCommand command = new CountCommand(counter, model, api, out, err, terminal);
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
          ErrorCode.INVALID_REQUEST,
          "cannot read " + file + ": " + e.getMessage(),
          Map.of("file", file));
      return;
    }
    boolean named = file.endsWith(".jsonl") || file.endsWith(".ndjson");
    ParseResult whole = named ? null : parser.parse(content, api);
    List<byte[]> lines = named || whole instanceof ParseResult.Invalid ? lines(content) : List.of();
    if (!named && lines.size() < 2) {
      counted(file, whole);
      return;
    }
    for (int i = 0; i < lines.size(); i++) {
      body(file + ":" + (i + 1), lines.get(i));
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

  private void body(String label, byte[] body) {
    counted(label, parser.parse(body, api));
  }

  private void counted(String label, ParseResult parsed) {
    if (parsed instanceof ParseResult.Invalid invalid) {
      error(invalid.code(), label + ": " + invalid.message(), invalid.details());
      return;
    }
    LlmRequest request = ((ParseResult.Parsed) parsed).request();
    if (request.api() == Api.GEMINI_GENERATE_CONTENT) {
      // The command answers what countTokens would, which Gemini accounts apart from the
      // generateContent it bills (per-Content roles on 2.0, function declarations on 1.5).
      request = request.withEndpoint(Endpoint.COUNT_TOKENS);
    }
    CountResult result = counter.count(request, model);
    if (result instanceof CountResult.Refused refused) {
      error(refused.code(), label + ": " + refused.message(), refused.details());
      return;
    }
    CountResult.Counted counted = (CountResult.Counted) result;
    TokenCount count = counted.count();
    ObjectNode response = MAPPER.createObjectNode();
    response.put(request.api().countField(), count.total());
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

  private void error(ErrorCode code, String message, Map<String, Object> details) {
    failed = true;
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code.code());
    error.put("message", message);
    error.set("details", MAPPER.valueToTree(details));
    root.putObject("meta");
    err.println(root);
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
