package dev.tokentally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * Reads the Prometheus text exposition format (0.0.4) strictly: every line must be a HELP or TYPE
 * comment or a sample, names and labels must be well formed, each family has one TYPE before its
 * samples, and no series appears twice. {@link #promtoolCheck} also runs Prometheus' own linter.
 */
public final class PrometheusText {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern SAMPLE =
      Pattern.compile(
          "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (NaN|[+-]Inf|[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)(?: -?[0-9]+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

  /** One sample line. */
  public record Sample(String name, Map<String, String> labels, double value) {}

  private PrometheusText() {}

  /** Parses the scrape, failing the test on the first malformed line. */
  public static List<Sample> parse(String text) {
    List<Sample> samples = new ArrayList<>();
    Map<String, String> types = new HashMap<>();
    Map<String, Boolean> series = new HashMap<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String at = "line " + (i + 1) + ": " + line;
      if (line.isEmpty()) {
        assertThat(i).as("only the last line may be empty; " + at).isEqualTo(lines.length - 1);
        continue;
      }
      if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ", 4);
        assertThat(parts).as(at).hasSizeGreaterThanOrEqualTo(3);
        assertThat(NAME.matcher(parts[2]).matches()).as(at).isTrue();
        if (parts[1].equals("TYPE")) {
          assertThat(parts[3]).as(at).isIn("counter", "gauge", "histogram", "summary", "untyped");
          assertThat(types.put(parts[2], parts[3])).as("second TYPE; " + at).isNull();
        }
        continue;
      }
      assertThat(line).as("comments other than HELP and TYPE; " + at).doesNotStartWith("#");
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("not a sample; " + at).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(3) != null && !m.group(3).isEmpty()) {
        Matcher l = LABEL.matcher(m.group(3));
        int end = 0;
        while (l.find() && l.start() == end) {
          assertThat(labels.put(l.group(1), l.group(2))).as("repeated label; " + at).isNull();
          end = l.end();
        }
        assertThat(end).as("malformed labels; " + at).isEqualTo(m.group(3).length());
      }
      String name = m.group(1);
      assertThat(family(name, types)).as("sample before its TYPE; " + at).isNotNull();
      assertThat(series.put(name + labels, true)).as("duplicate series; " + at).isNull();
      samples.add(
          new Sample(name, labels, Double.parseDouble(m.group(4).replace("Inf", "Infinity"))));
    }
    return samples;
  }

  private static String family(String sample, Map<String, String> types) {
    if (types.containsKey(sample)) {
      return sample;
    }
    for (String suffix : List.of("_total", "_bucket", "_count", "_sum", "_created", "_max")) {
      if (sample.endsWith(suffix)) {
        String base = sample.substring(0, sample.length() - suffix.length());
        if (types.containsKey(base)) {
          return base;
        }
      }
    }
    return null;
  }

  /**
   * Runs {@code promtool check metrics} on the scrape. Skips when promtool is missing, unless
   * {@code TOKENTALLY_REQUIRE_PROMTOOL} is set (CI installs it and sets it).
   */
  public static String promtoolCheck(String text) throws IOException, InterruptedException {
    return run(text, "check", "metrics");
  }

  /**
   * Runs {@code promtool} with {@code args}; returns its exit code, a line break and its output.
   * Skips like {@link #promtoolCheck}.
   */
  public static String promtool(String... args) throws IOException, InterruptedException {
    return run("", args);
  }

  private static String run(String stdin, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      assertThat(System.getenv("TOKENTALLY_REQUIRE_PROMTOOL"))
          .as("promtool is required but missing: " + e.getMessage())
          .isNull();
      Assumptions.abort("promtool is not installed (apt-get install prometheus)");
      return "";
    }
    process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return process.exitValue() + "\n" + out;
  }
}
