package dev.tokentally.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.tokentally.app.ConfigLoader;
import dev.tokentally.app.Wiring;
import dev.tokentally.credentials.CredentialRedactor;
import dev.tokentally.enrich.Assessment;
import dev.tokentally.enrich.InboundRecord;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.media.ImageSize;
import dev.tokentally.media.MediaDuration;
import dev.tokentally.media.PdfDocument;
import dev.tokentally.reconcile.ResponseReader;
import dev.tokentally.request.RequestParser;
import dev.tokentally.request.RequestPath;
import dev.tokentally.request.SourcePosition;
import dev.tokentally.testing.MinimalPdf;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 27, part 2: bounded work per byte. Every reader a record passes through (request parsing
 * and counting for Anthropic, Gemini and captured HTTP bodies, vendor responses, credential
 * redaction, request paths, and the image, audio, video and PDF readers) is given inputs of the
 * largest accepted size made of one pathological token: one long string of a single letter, space,
 * digit, CJK character, emoji or escape, an operand or key that is the whole record, a path of one
 * prefix repeated, nesting at exactly {@link RequestParser#MAX_NESTING_DEPTH}, a PDF that is one
 * string operand, media whose header is a run of one byte. Record-level inputs go up to the record
 * limit ({@code tokentally.request.max.bytes}, 8 MiB by default); the readers themselves get 10
 * MiB.
 *
 * <p>Each input is timed at five sizes, each four times the last, up to the largest: the minimum of
 * up to three runs per size, after a warm-up, in CPU time of the thread that ran it (neither other
 * processes on a busy machine nor the collector's threads add to it). A step that takes more than
 * ten times the one before (linear is four, quadratic sixteen) fails once it takes more than 100
 * ms, so noise cannot fail it; more than 5 s per MB of wall-clock time fails as a backstop. It runs
 * in a child JVM with {@code -Xmx512m} and the default thread stack, as operators run the app, so a
 * {@link StackOverflowError} or {@link OutOfMemoryError} fails the case, and so does a case that
 * leaves more than 64 MiB reachable after it returns (a per-thread buffer grown to the largest
 * input, which a second stream or HTTP thread would double). A case that does not finish in two
 * minutes fails and the child is restarted for the rest.
 */
class LinearWorkTest {
  static final int TEN_MIB = 10 << 20;
  static final int STEPS = 5;
  static final long FLOOR_NANOS = 100_000_000L;

  /**
   * A step is compared with the one before only when that took this long: a few milliseconds of CPU
   * time are mostly noise on a busy machine (8 ms then 127 ms was seen for a linear reader while
   * two fuzzers ran). Quadratic work still fails at the next step, which is 16 times longer.
   */
  static final long BASE_NANOS = 20_000_000L;

  static final double MAX_STEP_RATIO = 10;
  static final double MAX_NANOS_PER_BYTE = 5_000; // 5 s per MB
  static final long MAX_RETAINED = 64L << 20;
  static final long CASE_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(120);
  static final String HEAP = "512m";

  @TempDir Path tmp;

  @TestFactory
  Stream<DynamicTest> everyReaderDoesBoundedWorkPerByteOfItsLargestInput() throws Exception {
    List<Case> cases = Cases.all();
    Map<String, Outcome> outcomes = runInChild(cases);
    printTable(cases, outcomes);
    return cases.stream()
        .map(c -> dynamicTest(c.title(), () -> outcomes.get(c.name()).check(c.name())));
  }

  // ---- verdict --------------------------------------------------------------------------------

  /**
   * Null when the steps so far are linear enough, else why not. Shared by child and parent. Each
   * step is {size, CPU nanos, wall nanos}: the ratio is judged on the thread's CPU time, which
   * neither other processes on a busy machine nor collector threads add to, the ceiling on the wall
   * clock.
   */
  static String verdict(List<long[]> steps) {
    for (int i = 0; i < steps.size(); i++) {
      long size = steps.get(i)[0];
      long cpu = steps.get(i)[1];
      long wall = steps.get(i)[2];
      if (i > 0) {
        long before = steps.get(i - 1)[1];
        long ratioOf = steps.get(i)[0] / Math.max(1, steps.get(i - 1)[0]);
        if (cpu > FLOOR_NANOS && before >= BASE_NANOS && cpu > MAX_STEP_RATIO * before) {
          return String.format(
              "superlinear: %d bytes took %.1f ms of CPU, %.1fx the %.1f ms of %d bytes (%dx the"
                  + " size)",
              size,
              cpu / 1e6,
              (double) cpu / Math.max(before, 1),
              before / 1e6,
              steps.get(i - 1)[0],
              ratioOf);
        }
      }
      if (wall > 1_000_000_000L && wall > MAX_NANOS_PER_BYTE * size) {
        return String.format(
            "too slow: %d bytes took %.1f s, more than %.0f s per MB",
            size, wall / 1e9, MAX_NANOS_PER_BYTE / 1e3);
      }
    }
    return null;
  }

  /** What the child reported for one case. */
  static final class Outcome {
    final List<long[]> steps = new ArrayList<>();
    int maxSize;
    String error;
    String result = "";
    long retained = -1;
    boolean ended;

    void check(String name) {
      assertThat(error).as("%s: %s", name, error).isNull();
      assertThat(ended).as("%s finished", name).isTrue();
      String slow = verdict(steps);
      assertThat(slow).as("%s: %s", name, stepsText()).isNull();
      assertThat(steps).as("%s reached its largest size", name).isNotEmpty();
      assertThat(steps.get(steps.size() - 1)[0])
          .as("%s reached its largest size", name)
          .isEqualTo(maxSize);
      assertThat(retained)
          .as("%s: heap still reachable after it returned (%d MiB)", name, retained >> 20)
          .isLessThan(MAX_RETAINED);
    }

    String stepsText() {
      StringBuilder out = new StringBuilder();
      for (long[] s : steps) {
        out.append(String.format("%d B: %.1f ms CPU, %.1f ms; ", s[0], s[1] / 1e6, s[2] / 1e6));
      }
      return out.toString();
    }
  }

  private static void printTable(List<Case> cases, Map<String, Outcome> outcomes) {
    System.out.printf(
        "%nlinear work (child JVM -Xmx%s): case | largest input | wall (thread CPU) there |"
            + " CPU ratio to a quarter of the size | retained | outcome%n",
        HEAP);
    for (Case c : cases) {
      Outcome o = outcomes.get(c.name());
      String time = "-";
      String ratio = "-";
      if (!o.steps.isEmpty()) {
        long[] last = o.steps.get(o.steps.size() - 1);
        time = String.format("%.0f ms (%.0f)", last[2] / 1e6, last[1] / 1e6);
        if (o.steps.size() > 1) {
          ratio =
              String.format(
                  "%.1f", (double) last[1] / Math.max(1, o.steps.get(o.steps.size() - 2)[1]));
        }
      }
      String verdict = o.error != null ? o.error : verdict(o.steps);
      System.out.printf(
          "  %-46s %9d B  %-17s %5s  %4s MiB  %s%s%n",
          c.name(),
          o.maxSize,
          time,
          ratio,
          o.retained < 0 ? "-" : String.valueOf(o.retained >> 20),
          verdict == null ? "ok " + o.result : "FAIL " + verdict,
          c.known() == null ? "" : "  [known: " + c.known() + "]");
    }
  }

  // ---- the child JVM --------------------------------------------------------------------------

  /**
   * Runs the cases in child JVMs with {@link #HEAP}, one after another, restarting the child after
   * a case that does not finish in time.
   */
  private Map<String, Outcome> runInChild(List<Case> cases) throws Exception {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    cases.forEach(c -> outcomes.put(c.name(), new Outcome()));
    int next = 0;
    int launch = 0;
    while (next < cases.size()) {
      List<String> names = cases.subList(next, cases.size()).stream().map(Case::name).toList();
      Path errors = tmp.resolve("child-" + launch++ + ".err");
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.add("-Xmx" + HEAP);
      command.add("-cp");
      command.add(
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
      command.add(Probe.class.getName());
      command.addAll(names);
      Process child = new ProcessBuilder(command).redirectError(errors.toFile()).start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread pump =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  // the child is gone
                } finally {
                  lines.add("LW\tEOF");
                }
              },
              "linear-work-child");
      pump.setDaemon(true);
      pump.start();
      String current = null;
      long started = System.nanoTime();
      boolean restart = false;
      while (true) {
        String line = lines.poll(1, TimeUnit.SECONDS);
        if (line == null) {
          if (current != null && System.nanoTime() - started > CASE_DEADLINE_NANOS) {
            child.destroyForcibly().waitFor();
            Outcome o = outcomes.get(current);
            o.error =
                "did not finish within "
                    + TimeUnit.NANOSECONDS.toSeconds(CASE_DEADLINE_NANOS)
                    + " s; steps so far: "
                    + o.stepsText();
            next = indexOf(cases, current) + 1;
            restart = true;
            break;
          }
          continue;
        }
        String[] f = line.split("\t", -1);
        if (!f[0].equals("LW")) {
          continue;
        }
        switch (f[1]) {
          case "BEGIN" -> {
            current = f[2];
            started = System.nanoTime();
            outcomes.get(current).maxSize = Integer.parseInt(f[3]);
          }
          case "STEP" ->
              outcomes
                  .get(f[2])
                  .steps
                  .add(
                      new long[] {
                        Long.parseLong(f[3]), Long.parseLong(f[4]), Long.parseLong(f[5])
                      });
          case "ERROR" -> outcomes.get(f[2]).error = f[3];
          case "END" -> {
            Outcome o = outcomes.get(f[2]);
            o.retained = Long.parseLong(f[3]);
            o.result = f[4];
            o.ended = true;
            current = null;
          }
          case "EOF" -> {
            child.waitFor(30, TimeUnit.SECONDS);
            if (current != null) {
              Outcome o = outcomes.get(current);
              o.error =
                  "the child JVM exited ("
                      + (child.isAlive() ? "?" : child.exitValue())
                      + ") during the case: "
                      + tail(errors);
              next = indexOf(cases, current) + 1;
              restart = true;
            } else {
              next = cases.size();
            }
          }
          default -> {}
        }
        if (f[1].equals("EOF")) {
          break;
        }
      }
      if (!restart) {
        break;
      }
    }
    return outcomes;
  }

  private static int indexOf(List<Case> cases, String name) {
    for (int i = 0; i < cases.size(); i++) {
      if (cases.get(i).name().equals(name)) {
        return i;
      }
    }
    throw new IllegalArgumentException(name);
  }

  private static String tail(Path file) {
    try {
      List<String> all = Files.readAllLines(file);
      return String.join(" | ", all.subList(Math.max(0, all.size() - 5), all.size()));
    } catch (IOException e) {
      return "(no stderr)";
    }
  }

  /**
   * The child: {@code main(case names...)} runs each case on one long-lived thread with the default
   * stack size, like a stream thread, and reports on stdout, tab-separated, lines starting {@code
   * LW}.
   */
  static final class Probe {
    private static final PrintStream OUT = System.out;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
      Map<String, Case> byName = new LinkedHashMap<>();
      Cases.all().forEach(c -> byName.put(c.name(), c));
      Thread worker =
          new Thread(
              null,
              () -> {
                warmUp();
                reachableBefore = reachable();
                for (String name : args) {
                  run(byName.get(name));
                }
              },
              "linear-work",
              0);
      worker.start();
      worker.join();
      OUT.flush();
      System.exit(0);
    }

    /** Loads the vocabularies and fills the caches first, so that no case is charged for them. */
    private static void warmUp() {
      App.assess(Text.ANTHROPIC.body(4096, "a", 0));
      App.assess(Text.GEMINI.body(4096, "a", 0));
      App.assess(Text.CAPTURED_GEMINI.body(4096, "a", 0));
    }

    private static void run(Case c) {
      int max = c.scale() == Scale.RECORD ? App.maxBytes() : TEN_MIB;
      report("BEGIN", c.name(), String.valueOf(max));
      String result = "";
      try {
        int smallest = max >> (2 * (STEPS - 1));
        for (int w = 0; w < 2; w++) {
          c.maker().make(smallest).call();
        }
        List<long[]> steps = new ArrayList<>();
        String[] said = {""};
        for (int step = STEPS - 1; step >= 0; step--) {
          int size = max >> (2 * step);
          steps.add(measure(c, size, step <= 1, said));
          // A busy machine can slow one run several-fold: a failing step is measured again, with
          // the step before it, and each keeps its best. Quadratic work fails every time.
          for (int retry = 0; retry < 2 && steps.size() > 1 && verdict(steps) != null; retry++) {
            int last = steps.size() - 1;
            steps.set(last - 1, best(steps.get(last - 1), measure(c, size >> 2, false, said)));
            steps.set(last, best(steps.get(last), measure(c, size, step <= 1, said)));
          }
          if (verdict(steps) != null) {
            break;
          }
        }
        result = said[0];
        for (long[] step : steps) {
          report(
              "STEP",
              c.name(),
              String.valueOf(step[0]),
              String.valueOf(step[1]),
              String.valueOf(step[2]));
        }
      } catch (Throwable e) {
        String message = String.valueOf(e.getMessage());
        report(
            "ERROR",
            c.name(),
            e.getClass().getSimpleName()
                + ": "
                + (message.length() > 300 ? message.substring(0, 300) + "..." : message)
                + " at "
                + firstFrames(e));
      }
      long after = reachable();
      report(
          "END",
          c.name(),
          String.valueOf(Math.max(0, after - reachableBefore)),
          result.replace('\t', ' ').replace('\n', ' '));
      reachableBefore = after;
    }

    /** Size, best CPU and best wall-clock nanoseconds of up to three runs within a second. */
    private static long[] measure(Case c, int size, boolean collectFirst, String[] said)
        throws Exception {
      long bestCpu = Long.MAX_VALUE;
      long bestWall = Long.MAX_VALUE;
      long spent = 0;
      for (int r = 0; r < 3 && spent < 1_000_000_000L; r++) {
        Callable<String> work = c.maker().make(size);
        if (collectFirst) {
          System.gc(); // a collection of what earlier runs left is not this run's work
        }
        long cpuStart = THREADS.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        String result = work.call();
        long took = System.nanoTime() - start;
        bestCpu = Math.min(bestCpu, THREADS.getCurrentThreadCpuTime() - cpuStart);
        bestWall = Math.min(bestWall, took);
        spent += took;
        said[0] = result.length() > 120 ? result.substring(0, 120) + "..." : result;
      }
      return new long[] {size, bestCpu, bestWall};
    }

    private static long[] best(long[] a, long[] b) {
      return new long[] {a[0], Math.min(a[1], b[1]), Math.min(a[2], b[2])};
    }

    private static String firstFrames(Throwable e) {
      StackTraceElement[] trace = e.getStackTrace();
      StringBuilder out = new StringBuilder();
      for (int i = 0; i < Math.min(4, trace.length); i++) {
        out.append(i == 0 ? "" : " < ").append(trace[i]);
      }
      return out.toString();
    }

    /** Heap in use after a collection when the previous case ended (or the warm-up). */
    private static long reachableBefore;

    private static long reachable() {
      System.gc();
      Runtime runtime = Runtime.getRuntime();
      return runtime.totalMemory() - runtime.freeMemory();
    }

    private static void report(String... fields) {
      synchronized (OUT) {
        OUT.println("LW\t" + String.join("\t", fields).replace('\n', ' '));
        OUT.flush();
      }
    }
  }

  // ---- cases ----------------------------------------------------------------------------------

  enum Scale {
    /** Up to the record size limit: what reaches the request readers. */
    RECORD,
    /** Up to 10 MiB: more than any record can carry to the reader. */
    TEN_MIB
  }

  /** Builds the input of a size (not timed) and returns the work to time; it says what it got. */
  interface Maker {
    Callable<String> make(int size) throws Exception;
  }

  /**
   * @param known why this case fails today and who fixes it, or null
   */
  record Case(String name, String reader, Scale scale, String known, Maker maker) {
    String title() {
      return reader
          + ": "
          + name
          + (known == null ? "" : " [known failure until fixed: " + known + "]");
    }
  }

  /** The application's parts, loaded once per child. */
  static final class App {
    private static final Wiring WIRING = Wiring.of(ConfigLoader.load(null, Map.of()));
    private static final RequestAssessor ASSESSOR = WIRING.assessor();

    static int maxBytes() {
      return ASSESSOR.maxBytes();
    }

    static String assess(byte[] value) {
      Assessment a =
          ASSESSOR.assess(
              new InboundRecord(
                  "k".getBytes(StandardCharsets.UTF_8),
                  value,
                  null,
                  null,
                  null,
                  new SourcePosition("llm.requests", 0, 0, 0L)));
      if (a instanceof Assessment.Rejected r) {
        return "refused " + r.code().code();
      }
      return "counted " + ((Assessment.Counted) a).request().inputTokens();
    }
  }

  /** A distinct prefix per run, so the block-count cache never answers a timed run. */
  private static final AtomicInteger VARIANT = new AtomicInteger();

  /** Bodies of one text field, for each way a request arrives. */
  enum Text {
    ANTHROPIC(
        "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":1024,"
            + "\"messages\":[{\"role\":\"user\",\"content\":\"",
        "\"}]}"),
    GEMINI(
        "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"",
        "\"}]}]}"),
    CAPTURED_GEMINI(
        "{\"method\":\"POST\",\"path\":\"/v1beta/models/gemini-2.5-flash:generateContent\","
            + "\"headers\":{\"X-Opper-Name\":\"linear\"},"
            + "\"body\":{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"",
        "\"}]}]}}"),
    /** The body as a JSON string inside the captured request: every escape doubled. */
    CAPTURED_ANTHROPIC_STRING(
        "{\"method\":\"POST\",\"path\":\"/anthropic/v1/messages\",\"body\":\"{\\\"model\\\":"
            + "\\\"claude-sonnet-4-5\\\",\\\"messages\\\":[{\\\"role\\\":\\\"user\\\","
            + "\\\"content\\\":\\\"",
        "\\\"}]}\"}");

    final String head;
    final String tail;

    Text(String head, String tail) {
      this.head = head;
      this.tail = tail;
    }

    /**
     * A body of at most {@code size} bytes whose text is {@code unit} (JSON as written) repeated.
     */
    byte[] body(int size, String unit, int variant) {
      return fill(size, head + "v" + variant + " ", unit, tail);
    }
  }

  static final class Cases {
    private Cases() {}

    static List<Case> all() {
      List<Case> cases = new ArrayList<>();
      textRuns(cases);
      recordShapes(cases);
      nesting(cases);
      media(cases);
      redactor(cases);
      responses(cases);
      paths(cases);
      images(cases);
      durations(cases);
      pdfs(cases);
      return cases;
    }

    private static void onRecord(List<Case> cases, String name, String known, SizedBytes body) {
      cases.add(
          new Case(
              name,
              "RequestAssessor",
              Scale.RECORD,
              known,
              size -> {
                byte[] value = body.at(size);
                return () -> App.assess(value);
              }));
    }

    interface SizedBytes {
      byte[] at(int size) throws Exception;
    }

    /** One text field that is a single run of one character, for every way a request arrives. */
    private static void textRuns(List<Case> cases) {
      Map<String, String> units = new LinkedHashMap<>();
      units.put("letter", "a");
      units.put("space", " ");
      units.put("digit", "7");
      units.put("cjk", "\u4E2D");
      units.put("emoji", "\uD83D\uDE00");
      units.put("backslash", "\\\\");
      units.put("escaped-newline", "\\n");
      units.put("unicode-escape", "\\u4e2d");
      units.put("punctuation", "!");
      units.put("angle-bracket", "<");
      for (Map.Entry<String, String> u : units.entrySet()) {
        for (Text t : List.of(Text.ANTHROPIC, Text.GEMINI)) {
          onRecord(
              cases,
              t.name().toLowerCase() + "-text-of-one-" + u.getKey(),
              null,
              size -> t.body(size, u.getValue(), VARIANT.incrementAndGet()));
        }
      }
      onRecord(
          cases,
          "anthropic-text-of-special-tokens",
          null,
          size -> Text.ANTHROPIC.body(size, "<EOT>", VARIANT.incrementAndGet()));
      onRecord(
          cases,
          "gemini-text-of-added-tokens",
          null,
          size -> Text.GEMINI.body(size, "<start_of_turn>", VARIANT.incrementAndGet()));
      onRecord(
          cases,
          "captured-gemini-text-of-one-letter",
          null,
          size -> Text.CAPTURED_GEMINI.body(size, "a", VARIANT.incrementAndGet()));
      onRecord(
          cases,
          "captured-anthropic-string-body-of-backslashes",
          null,
          size -> Text.CAPTURED_ANTHROPIC_STRING.body(size, "\\\\\\\\", VARIANT.incrementAndGet()));
    }

    /** An operand, key, model name, path or credential that is the whole record. */
    private static void recordShapes(List<Case> cases) {
      String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
      onRecord(
          cases,
          "number-of-digits",
          null,
          size ->
              fill(size, "{\"model\":\"claude-sonnet-4-5\"," + hi + ",\"max_tokens\":", "7", "}"));
      onRecord(
          cases,
          "object-key-of-letters",
          null,
          size -> fill(size, "{\"", "a", "\":1,\"model\":\"claude-sonnet-4-5\"," + hi + "}"));
      onRecord(
          cases,
          "anthropic-model-name-of-dashes",
          null,
          size -> fill(size, "{\"model\":\"claude-", "-", "\"," + hi + "}"));
      onRecord(
          cases,
          "gemini-model-name-of-letters",
          null,
          size ->
              fill(
                  size,
                  "{\"model\":\"gemini-",
                  "a",
                  "\",\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}"));
      String gemini = ",\"body\":{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}}";
      onRecord(
          cases,
          "captured-path-model-of-dashes",
          null,
          size ->
              fill(
                  size,
                  "{\"method\":\"POST\",\"path\":\"/v1beta/models/gemini-",
                  "-",
                  ":generateContent\"" + gemini));
      onRecord(
          cases,
          "captured-path-query-key-of-letters",
          null,
          size ->
              fill(
                  size,
                  "{\"method\":\"POST\",\"path\":"
                      + "\"/v1beta/models/gemini-2.5-flash:generateContent?key=",
                  "a",
                  "\"" + gemini));
      onRecord(
          cases,
          "captured-path-of-google-prefixes",
          null,
          size ->
              fill(
                  size,
                  "{\"method\":\"POST\",\"path\":\"",
                  "/google",
                  "/v1beta/models/gemini-2.5-flash:generateContent\"" + gemini));
      onRecord(
          cases,
          "credential-value-of-letters",
          null,
          size ->
              fill(
                  size,
                  "{\"model\":\"claude-sonnet-4-5\",\"custom_model_credentials\":"
                      + "{\"identifier\":\"x\",\"api_key\":\"",
                  "a",
                  "\"}," + hi + "}"));
      onRecord(
          cases,
          "unbalanced-open-brackets",
          null,
          size -> fill(size, "{\"model\":\"claude-sonnet-4-5\",\"messages\":", "[", ""));
      onRecord(cases, "unbalanced-open-objects", null, size -> fill(size, "{", "\"a\":{", ""));
    }

    /** Nesting at exactly the allowed depth, repeated to the largest size. */
    private static void nesting(List<Case> cases) {
      String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
      nested(
          cases,
          "anthropic-tool-results-at-max-depth",
          deeper -> {
            // root 1, messages 2, message 3, content 4, block 5, then 2 per level: text block at
            // 5 + 2 * 61 = 127 and its citations array at 128.
            String block =
                "{\"type\":\"text\",\"text\":\"x\",\"citations\":" + (deeper ? "[[]]" : "[]") + "}";
            for (int i = 0; i < 61; i++) {
              block =
                  "{\"type\":\"tool_result\",\"tool_use_id\":\"t\",\"content\":[" + block + "]}";
            }
            return new String[] {
              "{\"model\":\"claude-sonnet-4-5\",\"messages\":[",
              "{\"role\":\"user\",\"content\":[" + block + "]}",
              "]}"
            };
          });
      nested(
          cases,
          "anthropic-tool-schemas-at-max-depth",
          deeper -> {
            // root 1, tools 2, tool 3, schema 4, then 2 per level: the innermost at 4 + 2 * 62.
            String schema = "{\"type\":\"string\"" + (deeper ? ",\"examples\":[]" : "") + "}";
            for (int i = 0; i < 62; i++) {
              schema = "{\"type\":\"object\",\"properties\":{\"p\":" + schema + "}}";
            }
            return new String[] {
              "{\"model\":\"claude-sonnet-4-5\"," + hi + ",\"tools\":[",
              "{\"name\":\"t\",\"description\":\"d\",\"input_schema\":" + schema + "}",
              "]}"
            };
          });
      nested(
          cases,
          "gemini-function-schemas-at-max-depth",
          deeper -> {
            // root 1, tools 2, tool 3, declarations 4, declaration 5, schema 6, 2 per level.
            String schema = "{\"type\":\"STRING\"" + (deeper ? ",\"enum\":[]" : "") + "}";
            for (int i = 0; i < 61; i++) {
              schema = "{\"type\":\"OBJECT\",\"properties\":{\"p\":" + schema + "}}";
            }
            return new String[] {
              "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"role\":\"user\",\"parts\":"
                  + "[{\"text\":\"hi\"}]}],\"tools\":[{\"functionDeclarations\":[",
              "{\"name\":\"f\",\"description\":\"d\",\"parameters\":" + schema + "}",
              "]}]}"
            };
          });
      nested(
          cases,
          "gemini-function-call-args-at-max-depth",
          deeper -> {
            // root 1, contents 2, content 3, parts 4, part 5, functionCall 6, args 7, arrays 8+.
            int arrays = deeper ? 122 : 121;
            return new String[] {
              "{\"model\":\"gemini-2.5-flash\",\"contents\":[",
              "{\"role\":\"model\",\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":"
                  + "[".repeat(arrays)
                  + "]".repeat(arrays)
                  + "}}}]}",
              ",{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}"
            };
          });
      nested(
          cases,
          "anthropic-unread-arrays-at-max-depth",
          deeper -> {
            // root 1, pad 2, then 126 arrays: 3 to 128.
            int arrays = deeper ? 127 : 126;
            return new String[] {
              "{\"model\":\"claude-sonnet-4-5\"," + hi + ",\"pad\":[",
              "[".repeat(arrays) + "]".repeat(arrays),
              "]}"
            };
          });
    }

    interface Nested {
      /** head, unit (repeated, comma-separated) and tail; one level deeper when asked. */
      String[] parts(boolean deeper);
    }

    /**
     * A record of {@code unit}s at exactly the nesting limit. Before timing it checks that it is at
     * the limit, and that one level more is refused.
     */
    private static void nested(List<Case> cases, String name, Nested nested) {
      cases.add(
          new Case(
              name,
              "RequestAssessor",
              Scale.RECORD,
              null,
              size -> {
                String[] p = nested.parts(false);
                byte[] value = repeat(size, p[0], p[1], ",", p[2]);
                int depth = maxDepth(value);
                if (depth != RequestParser.MAX_NESTING_DEPTH) {
                  throw new AssertionError(name + " nests " + depth + " deep, not the limit");
                }
                String[] q = nested.parts(true);
                String deeper = App.assess(repeat(4096, q[0], q[1], ",", q[2]));
                if (!deeper.equals("refused invalid_json")) {
                  throw new AssertionError(name + " one level deeper was " + deeper);
                }
                return () -> App.assess(value);
              }));
    }

    /** Images, audio, video and PDFs in a record, their headers or content one run of a byte. */
    private static void media(List<Case> cases) {
      String claudeHead =
          "{\"model\":\"claude-sonnet-4-5\",\"messages\":[{\"role\":\"user\",\"content\":[";
      onRecord(
          cases,
          "anthropic-png-then-zeros",
          null,
          size -> {
            byte[] png = Arrays.copyOf(pngHeader(4000, 3000), base64Room(size, 200));
            return json(
                claudeHead
                    + "{\"type\":\"image\",\"source\":{\"type\":\"base64\","
                    + "\"media_type\":\"image/png\",\"data\":\""
                    + b64(png)
                    + "\"}}]}]}");
          });
      onRecord(
          cases,
          "anthropic-pdf-of-one-literal-string",
          null,
          size -> {
            byte[] pdf = pdfOfContent("BT (", "a", ") Tj ET", base64Room(size, 400), false);
            return json(
                claudeHead
                    + "{\"type\":\"document\",\"source\":{\"type\":\"base64\","
                    + "\"media_type\":\"application/pdf\",\"data\":\""
                    + b64(pdf)
                    + "\"}}]}]}");
          });
      geminiInline(
          cases,
          "gemini-jpeg-of-fill-bytes",
          "image/jpeg",
          null,
          n -> {
            byte[] b = new byte[n];
            Arrays.fill(b, (byte) 0xFF);
            b[1] = (byte) 0xD8;
            return b;
          });
      geminiInline(
          cases,
          "gemini-wav-of-ff-bytes",
          "audio/wav",
          null,
          n -> {
            byte[] b = run(n, 0xFF);
            System.arraycopy(riffWave(), 0, b, 0, 12);
            return b;
          });
      geminiInline(cases, "gemini-mp3-of-ff-bytes", "audio/mpeg", null, n -> run(n, 0xFF));
      geminiInline(
          cases,
          "gemini-mp4-of-one-letter",
          "video/mp4",
          null,
          n -> {
            byte[] b = run(n, 'm');
            System.arraycopy(ascii("\0\0\0\u0018ftypisom"), 0, b, 0, 12);
            return b;
          });
      geminiInline(
          cases,
          "gemini-pdf-of-one-hex-string",
          "application/pdf",
          null,
          n -> pdfOfContent("BT <", "41", "> Tj ET", n, false));
    }

    interface BytesOfSize {
      byte[] of(int n) throws Exception;
    }

    private static void geminiInline(
        List<Case> cases, String name, String mime, String known, BytesOfSize data) {
      onRecord(
          cases,
          name,
          known,
          size ->
              json(
                  "{\"model\":\"gemini-2.5-flash\",\"contents\":[{\"role\":\"user\",\"parts\":["
                      + "{\"inlineData\":{\"mimeType\":\""
                      + mime
                      + "\",\"data\":\""
                      + b64(data.of(base64Room(size, 200)))
                      + "\"}}]}]}"));
    }

    private static void direct(
        List<Case> cases, String reader, String name, String known, Reader read, BytesOfSize in) {
      cases.add(
          new Case(
              name,
              reader,
              Scale.TEN_MIB,
              known,
              size -> {
                byte[] input = in.of(size);
                return () -> read.read(input);
              }));
    }

    interface Reader {
      String read(byte[] input) throws Exception;
    }

    private static void redactor(List<Case> cases) {
      Reader redact =
          in -> {
            byte[] out = CredentialRedactor.redact(in);
            return out == in ? "unchanged" : "redacted to " + out.length + " bytes";
          };
      String r = "CredentialRedactor";
      direct(cases, r, "redact-bare-letters", null, redact, n -> run(n, 'a'));
      direct(cases, r, "redact-bare-backslashes", null, redact, n -> run(n, '\\'));
      direct(cases, r, "redact-whitespace", null, redact, n -> run(n, ' '));
      direct(cases, r, "redact-unterminated-string", null, redact, n -> fill(n, "\"", "a", ""));
      direct(cases, r, "redact-string-of-escapes", null, redact, n -> fill(n, "\"", "\\\\", "\""));
      direct(
          cases,
          r,
          "redact-credential-value",
          null,
          redact,
          n -> fill(n, "{\"api_key\":\"", "a", "\"}"));
      direct(
          cases,
          r,
          "redact-credential-container-of-strings",
          null,
          redact,
          n -> repeat(n, "{\"custom_model_credentials\":{\"x\":[", "\"a\"", ",", "]}}"));
      direct(
          cases,
          r,
          "redact-query-of-keys",
          null,
          redact,
          n -> fill(n, "{\"path\":\"/v1beta/models/m:countTokens?", "key=a&", "\"}"));
      direct(cases, r, "redact-open-brackets", null, redact, n -> run(n, '['));
      direct(cases, r, "redact-keys-without-values", null, redact, n -> fill(n, "{", "\"a\":", ""));
      direct(
          cases,
          r,
          "redact-credential-keys",
          null,
          redact,
          n -> fill(n, "{", "\"api_key\":", "\"x\"}"));
    }

    private static void responses(List<Case> cases) {
      Reader read = in -> ResponseReader.read(in).getClass().getSimpleName();
      String r = "ResponseReader";
      String usage = "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":1}";
      direct(
          cases,
          r,
          "response-gemini-text-of-one-letter",
          null,
          read,
          n ->
              fill(
                  n,
                  "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"",
                  "a",
                  "\"}]},\"finishReason\":\"STOP\"}]," + usage + "}"));
      direct(
          cases,
          r,
          "response-anthropic-text-of-backslashes",
          null,
          read,
          n ->
              fill(
                  n,
                  "{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"",
                  "\\\\",
                  "\"}],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}"));
      direct(
          cases,
          r,
          "response-sse-of-small-events",
          null,
          read,
          n -> fill(n, "", "data: {\"type\":\"ping\"}\n", ""));
      direct(cases, r, "response-sse-of-one-line", null, read, n -> fill(n, "data: ", "a", "\n"));
      direct(cases, r, "response-of-newlines", null, read, n -> run(n, '\n'));
      direct(
          cases, r, "response-of-carriage-returns", null, read, n -> fill(n, "data: x", "\r", ""));
      direct(cases, r, "response-of-digits", null, read, n -> run(n, '7'));
      direct(
          cases,
          r,
          "response-number-of-digits",
          null,
          read,
          n -> fill(n, "{\"usageMetadata\":{\"promptTokenCount\":", "7", "}}"));
      direct(
          cases,
          r,
          "response-arrays-at-max-depth",
          null,
          read,
          n ->
              repeat(
                  n,
                  "{\"candidates\":[{\"finishReason\":\"STOP\"}]," + usage + ",\"pad\":[",
                  "[".repeat(126) + "]".repeat(126),
                  ",",
                  "]}"));
      direct(cases, r, "response-open-brackets", null, read, n -> run(n, '['));
      direct(
          cases,
          r,
          "response-captured-string-body-of-escapes",
          null,
          read,
          n ->
              fill(
                  n,
                  "{\"status\":200,\"body\":\"{\\\"type\\\":\\\"message\\\",\\\"content\\\":"
                      + "[{\\\"type\\\":\\\"text\\\",\\\"text\\\":\\\"",
                  "\\\\\\\\",
                  "\\\"}],\\\"usage\\\":{\\\"input_tokens\\\":3,\\\"output_tokens\\\":1}}\"}"));
    }

    private static void paths(List<Case> cases) {
      Reader route =
          in -> String.valueOf(RequestPath.route(new String(in, StandardCharsets.UTF_8)));
      String r = "RequestPath";
      direct(
          cases,
          r,
          "path-of-google-prefixes",
          null,
          route,
          n -> fill(n, "", "/google", "/v1/messages"));
      direct(
          cases,
          r,
          "path-of-compat-prefixes",
          null,
          route,
          n -> fill(n, "", "/v3/compat", "/v1/messages"));
      direct(
          cases,
          r,
          "path-model-of-letters",
          null,
          route,
          n -> fill(n, "/v1beta/models/", "a", ":countTokens"));
      direct(
          cases,
          r,
          "path-model-of-percent-escapes",
          null,
          route,
          n -> fill(n, "/v1beta/models/", "%41", ":countTokens"));
      direct(cases, r, "path-of-slashes", null, route, n -> run(n, '/'));
      direct(
          cases, r, "path-query-of-letters", null, route, n -> fill(n, "/v1/messages?", "a", ""));
    }

    private static void images(List<Case> cases) {
      Reader read = in -> String.valueOf(ImageSize.read(in)) + " " + ImageSize.mediaType(in);
      String r = "ImageSize";
      direct(cases, r, "image-of-zeros", null, read, n -> run(n, 0));
      direct(
          cases,
          r,
          "png-signature-then-ff-bytes",
          null,
          read,
          n -> {
            byte[] b = run(n, 0xFF);
            System.arraycopy(pngHeader(1, 1), 0, b, 0, 8);
            return b;
          });
      direct(
          cases,
          r,
          "jpeg-of-fill-bytes",
          null,
          read,
          n -> {
            byte[] b = run(n, 0xFF);
            b[1] = (byte) 0xD8;
            return b;
          });
      direct(
          cases,
          r,
          "jpeg-of-restart-markers",
          null,
          read,
          n -> {
            byte[] b = new byte[n];
            for (int i = 0; i + 1 < n; i += 2) {
              b[i] = (byte) 0xFF;
              b[i + 1] = (byte) 0xD0;
            }
            b[1] = (byte) 0xD8;
            return b;
          });
      direct(
          cases,
          r,
          "jpeg-of-empty-segments",
          null,
          read,
          n -> {
            byte[] b = new byte[n];
            for (int i = 0; i + 3 < n; i += 4) {
              b[i] = (byte) 0xFF;
              b[i + 1] = (byte) 0xE1;
              b[i + 3] = 2;
            }
            b[0] = (byte) 0xFF;
            b[1] = (byte) 0xD8;
            b[2] = (byte) 0xFF;
            b[3] = (byte) 0xD8;
            return b;
          });
    }

    private static void durations(List<Case> cases) {
      Reader read = in -> String.valueOf(MediaDuration.seconds(in));
      String r = "MediaDuration";
      direct(
          cases,
          r,
          "wav-header-then-ff-bytes",
          null,
          read,
          n -> {
            byte[] b = run(n, 0xFF);
            System.arraycopy(riffWave(), 0, b, 0, 12);
            return b;
          });
      direct(
          cases,
          r,
          "wav-header-then-zeros",
          null,
          read,
          n -> {
            byte[] b = new byte[n];
            System.arraycopy(riffWave(), 0, b, 0, 12);
            return b;
          });
      direct(
          cases,
          r,
          "wav-chunks-that-point-back",
          null,
          read,
          n -> {
            // A chunk whose declared size is -8 as a signed int: the next chunk would be this one.
            ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
            b.put(riffWave());
            while (b.remaining() >= 8) {
              b.put(ascii("JUNK")).putInt(-8);
            }
            return b.array();
          });
      direct(
          cases,
          r,
          "mp4-header-then-one-letter",
          null,
          read,
          n -> {
            byte[] b = run(n, 'm');
            System.arraycopy(ascii("\0\0\0\u0018ftypisom"), 0, b, 0, 12);
            return b;
          });
      direct(cases, r, "mp3-of-ff-bytes", null, read, n -> run(n, 0xFF));
      direct(
          cases,
          r,
          "id3-then-7f-bytes",
          null,
          read,
          n -> {
            byte[] b = run(n, 0x7F);
            System.arraycopy(ascii("ID3"), 0, b, 0, 3);
            return b;
          });
    }

    private static void pdfs(List<Case> cases) {
      Reader read =
          in ->
              PdfDocument.read(in)
                  .map(d -> d.pages() + " pages, " + d.text().length() + " chars")
                  .orElse("not a PDF");
      String r = "PdfDocument";
      direct(
          cases,
          r,
          "pdf-of-one-literal-string",
          null,
          read,
          n -> pdfOfContent("BT (", "a", ") Tj ET", n, false));
      direct(
          cases,
          r,
          "pdf-of-one-flate-literal-string",
          null,
          read,
          n -> pdfOfContent("BT (", "a", ") Tj ET", n, true));
      direct(
          cases,
          r,
          "pdf-of-one-literal-of-escapes",
          null,
          read,
          n -> pdfOfContent("BT (", "\\\\", ") Tj ET", n, false));
      direct(
          cases,
          r,
          "pdf-of-one-hex-string",
          null,
          read,
          n -> pdfOfContent("BT <", "41", "> Tj ET", n, false));
      direct(
          cases,
          r,
          "pdf-of-open-parentheses",
          null,
          read,
          n -> pdfOfContent("BT ", "(", " ET", n, false));
      direct(
          cases,
          r,
          "pdf-of-page-trees-without-close",
          null,
          read,
          n -> (fill(n, "%PDF-1.4\n", "/Type /Pages ", "")));
      direct(
          cases,
          r,
          "pdf-of-streams-without-dictionary",
          null,
          read,
          n -> (fill(n, "%PDF-1.4\n", "stream\nendstream\n", "")));
      direct(
          cases,
          r,
          "pdf-page-count-of-digits",
          null,
          read,
          n -> (fill(n, "%PDF-1.4\n<< /Type /Pages /Count ", "7", " >>")));
    }
  }

  // ---- input builders -------------------------------------------------------------------------

  /** {@code head}, then {@code unit} as many times as fit, then {@code tail}, in UTF-8. */
  static byte[] fill(int size, String head, String unit, String tail) {
    int h = utf8Length(head);
    int u = utf8Length(unit);
    int t = utf8Length(tail);
    int times = Math.max(0, (size - h - t) / u);
    StringBuilder out = new StringBuilder(head.length() + unit.length() * times + tail.length());
    out.append(head);
    for (int i = 0; i < times; i++) {
      out.append(unit);
    }
    return out.append(tail).toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Like {@link #fill}, with {@code separator} between the units. */
  static byte[] repeat(int size, String head, String unit, String separator, String tail) {
    int room = size - utf8Length(head) - utf8Length(tail) + utf8Length(separator);
    int times = Math.max(1, room / (utf8Length(unit) + utf8Length(separator)));
    StringBuilder out = new StringBuilder(head);
    for (int i = 0; i < times; i++) {
      out.append(i == 0 ? "" : separator).append(unit);
    }
    return out.append(tail).toString().getBytes(StandardCharsets.UTF_8);
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  static byte[] run(int size, int b) {
    byte[] out = new byte[size];
    Arrays.fill(out, (byte) b);
    return out;
  }

  /** The deepest nesting of objects and arrays in a JSON text, strings skipped. */
  static int maxDepth(byte[] json) {
    int depth = 0;
    int max = 0;
    boolean inString = false;
    for (int i = 0; i < json.length; i++) {
      byte c = json[i];
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        max = Math.max(max, ++depth);
      } else if (c == '}' || c == ']') {
        depth--;
      }
    }
    return max;
  }

  /** Bytes of binary data whose base64 fits a record of {@code size} with {@code overhead}. */
  static int base64Room(int size, int overhead) {
    return Math.max(64, (size - overhead) / 4 * 3);
  }

  static String b64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  static byte[] json(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** {@code RIFF <size> WAVE}: 12 bytes. */
  static byte[] riffWave() {
    return ByteBuffer.allocate(12)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(ascii("RIFF"))
        .putInt(-1)
        .put(ascii("WAVE"))
        .array();
  }

  /** PNG signature and IHDR of an RGB image: 33 bytes. */
  static byte[] pngHeader(int width, int height) {
    return ByteBuffer.allocate(33)
        .put(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'})
        .putInt(13)
        .put(ascii("IHDR"))
        .putInt(width)
        .putInt(height)
        .put(new byte[] {8, 2, 0, 0, 0})
        .putInt(0)
        .array();
  }

  /**
   * A valid one-page PDF whose content stream is {@code head}, {@code unit} repeated, {@code tail},
   * about {@code size} bytes in all, or {@code size} bytes of content before compression when
   * {@code flate}.
   */
  static byte[] pdfOfContent(String head, String unit, String tail, int size, boolean flate) {
    byte[] content = fill(flate ? size : Math.max(64, size - 600), head, unit, tail);
    return MinimalPdf.onePage(content, flate);
  }
}
