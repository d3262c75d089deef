package dev.tokentally.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Samples a running tokentally's memory every 500 ms (or as often as asked): heap used and live
 * heap after GC from its own {@code /metrics}, and the process's RSS from {@code /proc}. Keeps the
 * maxima and the live heap of the first and last quarter of the run, to tell flat from growing.
 */
public final class MemorySampler implements AutoCloseable {
  private final Thread thread;
  private final List<long[]> live = new CopyOnWriteArrayList<>();
  private volatile boolean running = true;
  private volatile long maxHeap;
  private volatile long maxLive;
  private volatile long maxRss;
  private volatile int samples;
  private long earlyLive;
  private long lateLive;

  public MemorySampler(String baseUrl, long pid) {
    this(baseUrl, pid, 500);
  }

  /** Samples every {@code periodMillis}, starting at once. */
  public MemorySampler(String baseUrl, long pid, long periodMillis) {
    thread =
        new Thread(
            () -> {
              while (running) {
                try {
                  sample(baseUrl, pid);
                  Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  // a scrape can fail while the app is busy; the next one counts
                }
              }
            },
            "memory-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private void sample(String baseUrl, long pid) throws IOException, InterruptedException {
    String scrape = HttpGet.body(baseUrl + "/metrics");
    long heap = 0;
    long liveNow = 0;
    for (PrometheusText.Sample s : PrometheusText.parse(scrape)) {
      if (s.name().equals("jvm_memory_used_bytes") && "heap".equals(s.labels().get("area"))) {
        heap += (long) s.value();
      } else if (s.name().equals("jvm_gc_live_data_size_bytes")) {
        liveNow = Math.max(liveNow, (long) s.value());
      }
    }
    maxHeap = Math.max(maxHeap, heap);
    maxLive = Math.max(maxLive, liveNow);
    live.add(new long[] {System.nanoTime(), liveNow});
    maxRss = Math.max(maxRss, rss(pid));
    samples++;
  }

  /** Stops sampling and computes the early and late live-heap figures. */
  public void stop() {
    if (!running) {
      return;
    }
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int quarter = Math.max(1, live.size() / 4);
    earlyLive = live.subList(0, quarter).stream().mapToLong(s -> s[1]).max().orElse(0);
    lateLive =
        live.subList(Math.max(0, live.size() - quarter), live.size()).stream()
            .mapToLong(s -> s[1])
            .max()
            .orElse(0);
  }

  @Override
  public void close() {
    stop();
  }

  public long maxHeap() {
    return maxHeap;
  }

  public long maxLive() {
    return maxLive;
  }

  public long maxRss() {
    return maxRss;
  }

  public int samples() {
    return samples;
  }

  public long earlyLive() {
    return earlyLive;
  }

  public long lateLive() {
    return lateLive;
  }

  private static long rss(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
      }
    }
    return 0;
  }
}
