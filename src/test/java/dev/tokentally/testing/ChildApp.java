package dev.tokentally.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The packaged jar as a separate process, as operators run it, so a test can SIGKILL it. Its output
 * is kept (and echoed with a prefix) for assertions on log lines.
 */
public final class ChildApp implements AutoCloseable {
  private final ProcessBuilder builder;
  private final String label;
  private final String readyLine;
  private final List<String> output = new CopyOnWriteArrayList<>();
  private Process process;
  private Thread pump;

  /**
   * @param env added to a clean environment (inherited KAFKA_* and TOKENTALLY_* are removed)
   */
  public ChildApp(String label, Path workDir, String heap, Map<String, String> env) {
    this(label, workDir, heap, env, "run", "is RUNNING");
  }

  /**
   * The jar's {@code broker} command: a single-node KRaft broker on ports chosen now and kept, with
   * its log in {@code workDir/kafka}, so a test can stop and restart it on the same ports and data.
   */
  public static ChildApp broker(String label, Path workDir) {
    Map<String, String> env =
        Map.of(
            "TOKENTALLY_BROKER_PORT", String.valueOf(FreePort.find()),
            "TOKENTALLY_BROKER_CONTROLLER_PORT", String.valueOf(FreePort.find()),
            "TOKENTALLY_BROKER_DATA_DIR", workDir.resolve("kafka").toString());
    return new ChildApp(label, workDir, "1g", env, "broker", "embedded Kafka broker ready");
  }

  /** Where a {@link #broker} takes clients, whether or not it is running now. */
  public String bootstrapServers() {
    return "localhost:" + builder.environment().get("TOKENTALLY_BROKER_PORT");
  }

  private ChildApp(
      String label,
      Path workDir,
      String heap,
      Map<String, String> env,
      String command,
      String readyLine) {
    this.label = label;
    this.readyLine = readyLine;
    builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + heap,
                "-jar",
                jar().toString(),
                command)
            .directory(workDir.toFile())
            .redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("TOKENTALLY_"));
    builder.environment().putAll(env);
  }

  public static Path jar() {
    Path jar = Path.of(System.getProperty("tokentally.jar", "target/tokentally.jar"));
    assertThat(jar).as("run ./mvnw package first").exists();
    return jar.toAbsolutePath();
  }

  /** Starts the process and waits for its ready line (the app's RUNNING, the broker's ready). */
  public ChildApp start(Duration timeout) {
    output.clear();
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Process mine = process;
    pump =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(
                      new InputStreamReader(mine.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                  output.add(line);
                  System.out.println("[" + label + "] " + line);
                }
              } catch (IOException e) {
                // the process died; its output ends here
              }
            },
            label + "-output");
    pump.setDaemon(true);
    pump.start();
    awaitLine(readyLine, timeout);
    return this;
  }

  public void awaitLine(String fragment, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (output.stream().anyMatch(l -> l.contains(fragment))) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(label + " exited with " + process.exitValue() + ": " + output);
      }
      sleep(100);
    }
    throw new AssertionError(label + ": no line with '" + fragment + "' within " + timeout);
  }

  /** SIGKILL: no shutdown hook, no commit, no leaving the group. */
  public void kill() {
    process.destroyForcibly();
    waitFor();
  }

  /** SIGTERM: the normal way to stop; returns the exit code. */
  public int stop() {
    process.toHandle().destroy();
    return waitFor();
  }

  /** The exit code of a process that ends by itself (waits up to 30 s). */
  public int awaitExit() {
    return waitFor();
  }

  /** Waits for the exit and for the last output lines, which arrive after it. */
  private int waitFor() {
    try {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as(label + " exited").isTrue();
      pump.join(2_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    return process.exitValue();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process != null && process.isAlive();
  }

  /** Every line printed since the last start. */
  public List<String> output() {
    return List.copyOf(output);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
