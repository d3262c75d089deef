package dev.tokentally.accuracy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tokentally.counting.BodyOrigin;
import dev.tokentally.counting.CountOutcome;
import dev.tokentally.counting.RequestCounter;
import dev.tokentally.counting.RequestCounting;
import dev.tokentally.request.Endpoint;
import dev.tokentally.request.RequestParser;
import dev.tokentally.request.RequestPath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * One recorded vendor exchange: the exact request body and the number the vendor answered or billed
 * for it, with where it was recorded.
 *
 * @param source the recording's repository, the unit held out together in cross-validation
 * @param group the recording file, so the turns of one conversation are never split across folds
 */
record RecordedCase(
    String id,
    String vendor,
    String model,
    String endpoint,
    JsonNode request,
    int expected,
    String source,
    String group,
    List<String> kinds) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** The corpus committed under {@code src/test/resources/fixtures/recorded/}. */
  static List<RecordedCase> corpus() {
    Path dir = Path.of("src/test/resources/fixtures/recorded");
    List<RecordedCase> all = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".json.gz")).sorted().toList()) {
        all.addAll(read(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return all;
  }

  static List<RecordedCase> read(Path file) throws IOException {
    JsonNode root;
    try (InputStream in = Files.newInputStream(file)) {
      root = MAPPER.readTree(file.toString().endsWith(".gz") ? new GZIPInputStream(in) : in);
    }
    List<RecordedCase> out = new ArrayList<>();
    for (JsonNode c : root) {
      List<String> kinds = new ArrayList<>();
      c.path("kinds").forEach(k -> kinds.add(k.asText()));
      out.add(
          new RecordedCase(
              c.get("id").asText(),
              c.get("vendor").asText(),
              c.get("model").asText(),
              c.path("endpoint").asText("messages"),
              c.get("request"),
              c.get("expected").asInt(),
              c.get("repo").asText(),
              c.get("repo").asText() + "/" + c.get("path").asText(),
              kinds));
    }
    return out;
  }

  /** Whether the vendor answered a count endpoint rather than billing a completion. */
  boolean countTokens() {
    return endpoint.equals("count_tokens") || endpoint.equals("countTokens");
  }

  /** Counts the request through the same entry point as the stream and HTTP. */
  CountOutcome count(RequestCounter counter) {
    ObjectNode body = request.deepCopy();
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    boolean anthropic = vendor.equals("anthropic");
    BodyOrigin origin =
        countTokens()
            ? new BodyOrigin.Route(
                new RequestPath.Route(
                    anthropic ? Endpoint.MESSAGES_COUNT_TOKENS : Endpoint.COUNT_TOKENS,
                    anthropic ? null : model))
            : new BodyOrigin.Record(model);
    return new RequestCounting(new RequestParser(), counter).count(bytes, origin);
  }
}
