package dev.tokentally.counting;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.request.LlmRequest;
import dev.tokentally.request.ParseResult;
import dev.tokentally.request.RequestParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code count} command: counts request bodies offline with the same code as the stream and
 * prints what the vendor's count endpoint would answer. Exit code 2 on invalid input.
 */
public final class CountCommand {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private CountCommand() {}

  public static int run(List<String> files, InputStream stdin, PrintStream out, PrintStream err) {
    if (files.isEmpty()) {
      err.println("tokentally count: name at least one FILE, or - for stdin");
      return 2;
    }
    RequestParser parser = new RequestParser();
    RequestCounter counter = new RequestCounter(ClaudeTokenizer.load());
    int exit = 0;
    for (String file : files) {
      byte[] body;
      try {
        body = file.equals("-") ? stdin.readAllBytes() : Files.readAllBytes(Path.of(file));
      } catch (IOException e) {
        err.println(error("invalid_request", "cannot read " + file + ": " + e.getMessage()));
        exit = 2;
        continue;
      }
      ParseResult result = parser.parse(body);
      if (result instanceof ParseResult.Invalid invalid) {
        err.println(error(invalid.code().code(), file + ": " + invalid.message()));
        exit = 2;
        continue;
      }
      LlmRequest request = ((ParseResult.Parsed) result).request();
      TokenCount count = counter.count(request);
      ObjectNode response = MAPPER.createObjectNode();
      response.put(request.api().countField(), count.total());
      response.put("count_method", count.method().label());
      out.println(response);
    }
    return exit;
  }

  private static String error(String code, String message) {
    ObjectNode root = MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("code", code);
    error.put("message", message);
    error.putObject("details");
    return root.toString();
  }
}
