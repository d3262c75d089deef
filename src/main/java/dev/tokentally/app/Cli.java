package dev.tokentally.app;

import dev.tokentally.broker.EmbeddedBroker;
import dev.tokentally.config.ConfigException;
import dev.tokentally.counting.RequestCounting;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Command-line entry point: {@code run} (the default), {@code broker}, {@code count} and {@code
 * keys}.
 */
public final class Cli {
  static final String USAGE =
      """
      Usage: java -jar tokentally.jar [COMMAND] [OPTIONS]

      Commands:
        run [--config FILE]   Count the input tokens of LLM requests on Kafka (the default).
                              Without KAFKA_BOOTSTRAP_SERVERS it starts a single-node Kafka
                              broker on localhost:9092 with its data under ./data/kafka.
        broker [--config FILE]
                              Run only the single-node Kafka broker that run starts when no
                              cluster is configured (TOKENTALLY_BROKER_* settings), e.g. to
                              run several tokentally instances against one local broker.
        count [--config FILE] [--model M] [--api anthropic|gemini] FILE...
                              Count request bodies from files (- reads stdin; .jsonl counts
                              one body per line) and print the vendor's count response, e.g.
                              {"input_tokens":14}, with the same models file and fallbacks
                              as run. Exit code 2 on invalid input.
        keys new --scopes count,usage,metrics [--names PREFIX,...] [--label LABEL]
                              Make an API key for the HTTP service: prints the key on the
                              first line and the line for tokentally.http.keys.file (its
                              SHA-256 hash and scopes) on the second.
        --help                Show this help.

      Configuration: built-in defaults < --config FILE < environment (TOKENTALLY_* for
      tokentally's settings, KAFKA_* for Kafka client and Streams settings). See README.
      """;

  private static final Logger log = LoggerFactory.getLogger(Cli.class);
  private static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(60);

  private Cli() {}

  public static void main(String[] args) {
    List<String> rest = new ArrayList<>(List.of(args));
    String command = rest.isEmpty() || rest.get(0).startsWith("-") ? "run" : rest.remove(0);
    if (rest.contains("--help") || rest.contains("-h") || command.equals("help")) {
      System.out.print(USAGE);
      return;
    }
    switch (command) {
      case "run" -> run(rest);
      case "broker" -> broker(rest);
      case "count" -> System.exit(count(rest, System.getenv(), System.in, System.out, System.err));
      case "keys" -> System.exit(KeysCommand.run(rest, System.out, System.err));
      default -> fail(System.err, "unknown command '" + command + "'");
    }
  }

  /** The exit status when the stream client failed: a crash, so that it is restarted. */
  static final int STREAM_FAILED_STATUS = 70;

  /** How long the stream-failure exit may take closing things before the JVM is halted. */
  private static final Duration STREAM_FAILED_EXIT_DEADLINE = Duration.ofSeconds(8);

  /** The status the shutdown hook ends the process with: 0 for SIGTERM, else the failure's. */
  private static volatile int exitStatus;

  private static void run(List<String> args) {
    Path configFile = configFile("run", args);
    serveUntilStopped(
        () ->
            Application.start(
                ConfigLoader.load(configFile, System.getenv()), Cli::exitAfterStreamFailure));
  }

  /**
   * A client that stopped processing would otherwise leave a process that answers HTTP and does
   * nothing else. Exit non-zero so the orchestrator restarts it; the shutdown hook closes what it
   * can, and a watchdog halts the JVM if that takes too long.
   */
  private static void exitAfterStreamFailure() {
    exitStatus = STREAM_FAILED_STATUS;
    log.error(
        "exiting with status {} so that tokentally is restarted (within {} s)",
        STREAM_FAILED_STATUS,
        STREAM_FAILED_EXIT_DEADLINE.toSeconds());
    Thread watchdog =
        new Thread(
            () -> {
              try {
                Thread.sleep(STREAM_FAILED_EXIT_DEADLINE.toMillis());
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              Runtime.getRuntime().halt(STREAM_FAILED_STATUS);
            },
            "tokentally-exit-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    System.exit(STREAM_FAILED_STATUS);
  }

  /**
   * The count command, configured like {@code run} (defaults &lt; {@code --config FILE} &lt;
   * environment), so a user models file or a fallback counts offline as it does in the stream.
   */
  public static int count(
      List<String> args,
      Map<String, String> env,
      InputStream in,
      PrintStream out,
      PrintStream err) {
    Path configFile = null;
    List<String> rest = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--config") && i + 1 < args.size()) {
        configFile = Path.of(args.get(++i));
      } else {
        rest.add(args.get(i));
      }
    }
    RequestCounting counting;
    try {
      counting = RequestCounting.of(ConfigLoader.load(configFile, env).counting());
    } catch (ConfigException | IllegalArgumentException | UncheckedIOException e) {
      err.println("tokentally: " + e.getMessage());
      return 2;
    }
    return CountCommand.run(rest, counting, in, out, err);
  }

  private static void broker(List<String> args) {
    Path configFile = configFile("broker", args);
    serveUntilStopped(
        () ->
            EmbeddedBroker.start(
                ConfigLoader.load(configFile, System.getenv()).broker(), BROKER_READY_TIMEOUT));
  }

  private static Path configFile(String command, List<String> args) {
    Path configFile = null;
    for (int i = 0; i < args.size(); i++) {
      if (args.get(i).equals("--config") && i + 1 < args.size()) {
        configFile = Path.of(args.get(++i));
      } else {
        fail(System.err, "unknown option '" + args.get(i) + "' for " + command);
      }
    }
    return configFile;
  }

  /** Starts a service, then holds the main thread until SIGTERM or Ctrl-C closes it. */
  private static void serveUntilStopped(Supplier<? extends AutoCloseable> starter) {
    AutoCloseable app;
    try {
      app = starter.get();
    } catch (ConfigException e) {
      fail(System.err, e.getMessage());
      return;
    } catch (RuntimeException e) {
      // Start-up failures are operator problems (port taken, broker unreachable): say what and
      // why in one line per cause; the full trace is noise at this point.
      StringBuilder why = new StringBuilder("cannot start: " + e.getMessage());
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        why.append("\n  caused by ")
            .append(cause.getClass().getSimpleName())
            .append(": ")
            .append(cause.getMessage());
      }
      log.error(why.toString());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("shutdown requested");
                  try {
                    app.close();
                  } catch (Exception e) {
                    log.error("shutdown failed: {}", e.toString());
                  }
                  stopped.countDown();
                  // SIGTERM and Ctrl-C are the normal way to stop a service: report success
                  // instead of the JVM's 143/130, which orchestrators would count as a crash.
                  // A failed stream client keeps its own status.
                  Runtime.getRuntime().halt(exitStatus);
                },
                "tokentally-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void fail(PrintStream err, String message) {
    err.println("tokentally: " + message);
    err.print(USAGE);
    System.exit(2);
  }
}
