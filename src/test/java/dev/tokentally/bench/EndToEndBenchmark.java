package dev.tokentally.bench;

import dev.tokentally.app.ConfigLoader;
import dev.tokentally.app.Wiring;
import dev.tokentally.enrich.Assessment;
import dev.tokentally.enrich.InboundRecord;
import dev.tokentally.enrich.RequestAssessor;
import dev.tokentally.request.SourcePosition;
import dev.tokentally.testing.ChildApp;
import dev.tokentally.testing.FreePort;
import dev.tokentally.testing.MemorySampler;
import dev.tokentally.testing.OutputProgress;
import dev.tokentally.testing.PacedProducer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * tokentally end to end on one machine, with every comparison measured in the same run (README,
 * Performance): a real broker (the jar's {@code broker} command), the packaged jar with
 * exactly-once and {@code -Xmx512m}, the in-process ceiling (parse and count, no Kafka), a plain
 * consumer-count-producer loop (at-least-once), latency at a fixed rate, and the block-count cache
 * on and off. Writes {@code target/bench/e2e.md} and {@code target/bench/throughput-by-size.svg}.
 *
 * <p>{@code ./mvnw -q package -DskipTests && ./mvnw -q test-compile exec:exec@bench-e2e}; sizes
 * with {@code -Dbench.records=} (200,000), {@code -Dbench.threads=} (2), {@code -Dbench.seed=}.
 */
public final class EndToEndBenchmark {
  private static final int RECORDS = Integer.getInteger("bench.records", 200_000);

  /**
   * Records every consumer of the input (tokentally and both loops) processes before its clock
   * starts, so each is measured with its code compiled: a cold JVM spends a third of its CPU on the
   * JIT in the first half minute, which says nothing about a service that runs for days.
   */
  private static final int WARMUP = Integer.getInteger("bench.warmup", 60_000);

  private static final int TOTAL = WARMUP + RECORDS;

  /**
   * Whether every request gets a vendor response on {@code llm.responses}, produced right after it,
   * so reconciliation runs at the request rate ({@code -Dbench.responses=false} to compare).
   */
  private static final boolean RESPONSES =
      Boolean.parseBoolean(System.getProperty("bench.responses", "true"));

  private static final String RESPONSES_TOPIC = "llm.responses";
  private static final int THREADS = Integer.getInteger("bench.threads", 2);
  private static final long SEED = Long.getLong("bench.seed", 42);
  private static final int LATENCY_RATE = 2_000;
  private static final int LOW_LATENCY_RATE = Integer.getInteger("bench.latency.low.rate", 200);
  private static final int LATENCY_SECONDS = Integer.getInteger("bench.latency.seconds", 30);
  private static final int PARTITIONS = 4;
  private static final String REQUESTS = "llm.requests";

  private final List<BenchWorkload.Request> workload;
  private final long bytes;
  private final List<String> rows = new ArrayList<>();

  private EndToEndBenchmark(List<BenchWorkload.Request> workload) {
    this.workload = workload;
    this.bytes = workload.stream().mapToLong(r -> r.value().length).sum();
  }

  public static void main(String[] args) throws Exception {
    Path out = Path.of("target/bench");
    Path work = out.resolve("e2e-work");
    deleteTree(work);
    Files.createDirectories(work);
    List<BenchWorkload.Request> workload = BenchWorkload.generate(SEED, RECORDS);
    new EndToEndBenchmark(workload).run(out, work);
  }

  private void run(Path out, Path work) throws Exception {
    int[] sizes = workload.stream().mapToInt(r -> r.value().length).sorted().toArray();
    long multiTurn = workload.stream().filter(BenchWorkload.Request::multiTurn).count();
    String header =
        String.format(
            Locale.ROOT,
            "workload: %,d records after %,d warm-up records, %.1f MB; size median %,d B, p99 %,d"
                + " B, max %,d B; %.0f%% in multi-turn conversations; %d threads; JDK %s; %d"
                + " cores",
            RECORDS,
            WARMUP,
            bytes / 1e6,
            sizes[sizes.length / 2],
            sizes[(int) (sizes.length * 0.99)],
            sizes[sizes.length - 1],
            100.0 * multiTurn / RECORDS,
            THREADS,
            Runtime.version(),
            Runtime.getRuntime().availableProcessors());
    System.out.println(header);

    double countingAlone = countingAlone();
    double ceiling = inProcessCeiling();
    String cache = cacheEffect();
    String bySize = throughputBySize(out);

    try (ChildApp broker = ChildApp.broker("broker", work).start(Duration.ofSeconds(60))) {
      String bootstrap = broker.bootstrapServers();
      createInputTopic(bootstrap);
      long produceNanos = produceAll(bootstrap);
      row(
          "produce the workload (bench producer, acks=all)",
          RECORDS / (produceNanos / 1e9),
          "",
          "");
      double endToEnd = endToEnd(bootstrap, work);
      double baseline = baselineLoop(bootstrap);
      double copy = copyLoop(bootstrap);
      row("(c) in-process ceiling: parse + count + enriched JSON, no Kafka", ceiling, "1.00", "");
      row(
          "(c0) counting alone: the same, one pass with a cold block-count cache, as the app counts",
          countingAlone,
          String.format(Locale.ROOT, "%.2f", countingAlone / ceiling),
          "");
      // Counting and moving bytes share the same cores: at best the two costs add up.
      double limit = 1 / (1 / countingAlone + 1 / copy);
      row(
          "(g) machine limit: 1 / (1/(c0) + 1/(f))",
          limit,
          String.format(Locale.ROOT, "%.2f", limit / ceiling),
          "");
      rows.add(
          String.format(
              Locale.ROOT, "| tokentally vs ceiling | %.0f%% | | |", 100 * endToEnd / ceiling));
      rows.add(
          String.format(
              Locale.ROOT, "| tokentally vs baseline loop | %.2fx | | |", endToEnd / baseline));
      rows.add(
          String.format(
              Locale.ROOT, "| tokentally vs machine limit | %.2fx | | |", endToEnd / limit));
      if (!broker.isAlive()) {
        throw new IllegalStateException("the broker died during the run");
      }
    }
    StringBuilder report = new StringBuilder(header).append("\n\n");
    report.append("| measurement | records/s | vs ceiling | notes |\n| --- | --- | --- | --- |\n");
    rows.forEach(r -> report.append(r).append('\n'));
    report.append("\n").append(cache).append("\n\n").append(bySize).append('\n');
    Files.writeString(out.resolve("e2e.md"), report.toString());
    System.out.println(report);
  }

  private void row(String what, double perSecond, String vsCeiling, String notes) {
    rows.add(
        String.format(
            Locale.ROOT,
            "| %s | %,.0f (%.1f MB/s) | %s | %s |",
            what,
            perSecond,
            perSecond * bytes / RECORDS / 1e6,
            vsCeiling,
            notes));
  }

  // ---------------------------------------------------------------------------------------------
  // In-process: the same records, parsed and counted as the topology does, on the same threads.

  /** The production assessor with the default settings but the block-count cache given. */
  private static RequestAssessor assessor(int cacheBlocks) {
    return Wiring.of(
            ConfigLoader.load(
                null, Map.of("TOKENTALLY_COUNT_CACHE_BLOCKS", String.valueOf(cacheBlocks))))
        .assessor();
  }

  private static InboundRecord inbound(BenchWorkload.Request r, int i) {
    return new InboundRecord(
        ("r-" + i).getBytes(StandardCharsets.UTF_8),
        r.value(),
        r.name(),
        null,
        r.modelHeader(),
        new SourcePosition(REQUESTS, 0, i, 0L));
  }

  /** Records/s over {@code THREADS} threads; each record's token count goes to {@code counts}. */
  private static double assessAll(
      RequestAssessor assessor, List<BenchWorkload.Request> records, long[] counts)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try {
      long start = System.nanoTime();
      List<Future<?>> parts = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int first = t;
        parts.add(
            pool.submit(
                () -> {
                  for (int i = first; i < records.size(); i += THREADS) {
                    counts[i] = tokens(assessor.assess(inbound(records.get(i), i)));
                  }
                }));
      }
      for (Future<?> f : parts) {
        f.get();
      }
      return records.size() / ((System.nanoTime() - start) / 1e9);
    } finally {
      pool.shutdown();
    }
  }

  private static long tokens(Assessment a) {
    return a instanceof Assessment.Counted c
        ? c.request().inputTokens()
        : -1 - ((Assessment.Rejected) a).code().ordinal();
  }

  /**
   * (c0) counting alone as the app does it: a fresh assessor, so a cold block-count cache, one pass
   * over the workload on {@code THREADS} threads, after the JIT has warmed up on another assessor.
   * This is what the limit uses; the warm ceiling (c) re-counts blocks the cache already holds.
   */
  private double countingAlone() throws Exception {
    long[] counts = new long[workload.size()];
    assessAll(assessor(65_536), workload, counts); // JIT warm-up only; its cache is dropped
    return assessAll(assessor(65_536), workload, counts);
  }

  private double inProcessCeiling() throws Exception {
    RequestAssessor assessor = assessor(65_536);
    long[] counts = new long[workload.size()];
    assessAll(assessor, workload, counts); // warm-up: JIT and caches, as a running app has
    double best = 0;
    for (int pass = 0; pass < 3; pass++) {
      best = Math.max(best, assessAll(assessor, workload, counts));
    }
    long rejected = Arrays.stream(counts).filter(c -> c < 0).count();
    System.out.printf(Locale.ROOT, "ceiling: %,.0f records/s (%d rejected)%n", best, rejected);
    return best;
  }

  /** Multi-turn records only, cache on vs off: bytes tokenized, identical counts, time. */
  private String cacheEffect() throws Exception {
    List<BenchWorkload.Request> chats =
        workload.stream().filter(BenchWorkload.Request::multiTurn).toList();
    long[] with = new long[chats.size()];
    long[] without = new long[chats.size()];
    RequestAssessor on = assessor(65_536);
    RequestAssessor off = assessor(0);
    double rateOn = assessAll(on, chats, with);
    double rateOff = assessAll(off, chats, without);
    long charsOn = on.counting().counter().cache().stats().charsTokenized();
    long charsOff = off.counting().counter().cache().stats().charsTokenized();
    boolean identical = Arrays.equals(with, without);
    String line =
        String.format(
            Locale.ROOT,
            "(e) block-count cache on the %,d multi-turn records (one cold pass each): characters"
                + " tokenized %,d with the cache vs %,d without = %.1fx fewer; %,.0f vs %,.0f"
                + " records/s = %.2fx; counts identical: %s",
            chats.size(),
            charsOn,
            charsOff,
            (double) charsOff / Math.max(1, charsOn),
            rateOn,
            rateOff,
            rateOn / rateOff,
            identical);
    if (!identical) {
      throw new AssertionError("the cache changed a count");
    }
    System.out.println(line);
    return line;
  }

  /** In-process throughput per size class; also drawn as an SVG bar chart. */
  private String throughputBySize(Path out) throws Exception {
    int[][] classes = {
      {0, 1_024}, {1_024, 4_096}, {4_096, 16_384}, {16_384, 65_536}, {65_536, 1 << 30}
    };
    String[] labels = {"< 1 KB", "1-4 KB", "4-16 KB", "16-64 KB", "64-200 KB"};
    RequestAssessor assessor = assessor(65_536);
    List<double[]> results = new ArrayList<>();
    StringBuilder table =
        new StringBuilder(
            "| record size | records | records/s | MB/s |\n| --- | --- | --- | --- |\n");
    for (int c = 0; c < classes.length; c++) {
      int lo = classes[c][0];
      int hi = classes[c][1];
      List<BenchWorkload.Request> subset =
          workload.stream()
              .filter(r -> r.value().length >= lo && r.value().length < hi && !r.multiTurn())
              .toList();
      if (subset.isEmpty()) {
        continue;
      }
      long subsetBytes = subset.stream().mapToLong(r -> r.value().length).sum();
      long[] counts = new long[subset.size()];
      assessAll(assessor, subset, counts);
      double rate = assessAll(assessor, subset, counts);
      double mbps = rate * subsetBytes / subset.size() / 1e6;
      results.add(new double[] {c, rate, mbps});
      table.append(
          String.format(
              Locale.ROOT, "| %s | %,d | %,.0f | %.1f |%n", labels[c], subset.size(), rate, mbps));
    }
    Files.writeString(out.resolve("throughput-by-size.svg"), svg(results, labels));
    return "In-process throughput by record size (single-turn records, "
        + THREADS
        + " threads):\n\n"
        + table;
  }

  private static String svg(List<double[]> results, String[] labels) {
    int width = 640;
    int height = 360;
    int left = 70;
    int bottom = 300;
    double maxRate = results.stream().mapToDouble(r -> r[1]).max().orElse(1);
    double maxMb = results.stream().mapToDouble(r -> r[2]).max().orElse(1);
    StringBuilder s = new StringBuilder();
    s.append(
        String.format(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"12\">%n",
            width, height));
    s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    s.append(
        "<text x=\"320\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">tokentally in-process"
            + " throughput by record size</text>\n");
    s.append(
        String.format(
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n",
            left, bottom, width - 20, bottom));
    int slot = (width - left - 20) / Math.max(1, results.size());
    for (int i = 0; i < results.size(); i++) {
      double[] r = results.get(i);
      int x = left + i * slot + 10;
      int hRate = (int) (250 * r[1] / maxRate);
      int hMb = (int) (250 * r[2] / maxMb);
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#4e79a7\"/>%n",
              x,
              bottom - hRate,
              slot / 2 - 8,
              hRate));
      s.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f28e2b\"/>%n",
              x + slot / 2 - 6,
              bottom - hMb,
              slot / 2 - 8,
              hMb));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%,.0f/s</text>%n",
              x + slot / 4 - 4,
              bottom - hRate - 4,
              r[1]));
      s.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">%.1f MB/s</text>%n",
              x + 3 * slot / 4 - 10,
              bottom - hMb - 4,
              r[2]));
      s.append(
          String.format(
              "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              x + slot / 2 - 8, bottom + 18, labels[(int) r[0]]));
    }
    s.append(
        "<rect x=\"70\" y=\"330\" width=\"12\" height=\"12\" fill=\"#4e79a7\"/><text x=\"88\""
            + " y=\"341\">records/s</text>\n");
    s.append(
        "<rect x=\"180\" y=\"330\" width=\"12\" height=\"12\" fill=\"#f28e2b\"/><text x=\"198\""
            + " y=\"341\">MB/s</text>\n");
    s.append("</svg>\n");
    return s.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Against the broker.

  private static void createInputTopic(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(REQUESTS, PARTITIONS, (short) 1)
                      .configs(Map.of("max.message.bytes", "17825792")),
                  new NewTopic(RESPONSES_TOPIC, PARTITIONS, (short) 1)))
          .all()
          .get();
    }
  }

  private ProducerRecord<byte[], byte[]> record(String key, BenchWorkload.Request r) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("X-Opper-Name", r.name().getBytes(StandardCharsets.UTF_8));
    if (r.modelHeader() != null) {
      headers.add("X-Tokentally-Model", r.modelHeader().getBytes(StandardCharsets.UTF_8));
    }
    return new ProducerRecord<>(
        REQUESTS, null, key.getBytes(StandardCharsets.UTF_8), r.value(), headers);
  }

  /** A small vendor response for the request, keyed like it, as a gateway would publish it. */
  private static ProducerRecord<byte[], byte[]> response(String key, BenchWorkload.Request r) {
    String value =
        r.modelHeader() != null
            ? "{\"candidates\":[{\"finishReason\":\"STOP\"}],\"responseId\":\""
                + key
                + "\",\"modelVersion\":\""
                + r.modelHeader()
                + "\",\"usageMetadata\":{\"promptTokenCount\":120,\"candidatesTokenCount\":40,"
                + "\"totalTokenCount\":160}}"
            : "{\"id\":\"msg_"
                + key
                + "\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
                + "\"content\":[],\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":120,"
                + "\"cache_read_input_tokens\":0,\"output_tokens\":40}}";
    return new ProducerRecord<>(
        RESPONSES_TOPIC,
        key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }

  /** acks=all with large batches, as a gateway tuned for throughput would send. */
  private static KafkaProducer<byte[], byte[]> producer(String bootstrap, int lingerMs) {
    Map<String, Object> conf = new HashMap<>();
    conf.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    conf.put(ProducerConfig.ACKS_CONFIG, "all");
    conf.put(ProducerConfig.BATCH_SIZE_CONFIG, 262_144);
    conf.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    conf.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1 << 24);
    return new KafkaProducer<>(conf, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private long produceAll(String bootstrap) {
    long start = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 20)) {
      // The warm-up records come first in every partition, so they are consumed first. They come
      // from another seed: repeats of measured records would be served by the block-count cache.
      List<BenchWorkload.Request> warmup = BenchWorkload.generate(SEED + 1, WARMUP);
      for (int i = 0; i < WARMUP; i++) {
        producer.send(record("w-" + i, warmup.get(i)));
        if (RESPONSES) {
          producer.send(response("w-" + i, warmup.get(i)));
        }
      }
      for (int i = 0; i < workload.size(); i++) {
        producer.send(record("r-" + i, workload.get(i)));
        if (RESPONSES) {
          producer.send(response("r-" + i, workload.get(i)));
        }
      }
      producer.flush();
    }
    return System.nanoTime() - start;
  }

  /** (a) throughput, memory and start-up; then (b) latency at a fixed rate on the same app. */
  private double endToEnd(String bootstrap, Path work) throws Exception {
    int port = FreePort.find();
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", bootstrap);
    env.put("KAFKA_APPLICATION_ID", "tokentally-bench");
    env.put("KAFKA_STATE_DIR", work.resolve("state").toString());
    env.put("KAFKA_NUM_STREAM_THREADS", String.valueOf(THREADS));
    env.put("TOKENTALLY_TOPICS_PARTITIONS", String.valueOf(PARTITIONS));
    env.put("TOKENTALLY_HTTP_PORT", String.valueOf(port));
    // e.g. -Dbench.app.jvm=-XX:StartFlightRecording=filename=target/bench/app.jfr to profile it
    String appJvm = System.getProperty("bench.app.jvm", "");
    if (!appJvm.isBlank()) {
      env.put("JAVA_TOOL_OPTIONS", appJvm);
    }
    // e.g. -Dbench.app.env=KAFKA_COMMIT_INTERVAL_MS=200,KAFKA_NUM_STREAM_THREADS=1 to compare
    // settings
    for (String pair : System.getProperty("bench.app.env", "").split(",")) {
      if (pair.contains("=")) {
        env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
      }
    }
    ChildApp app = new ChildApp("tokentally", work, "512m", env);
    double rate;
    try (OutputProgress progress =
        new OutputProgress(bootstrap, List.of("llm.requests.enriched", "llm.requests.dlq"))) {
      long launched = System.nanoTime();
      app.start(Duration.ofSeconds(120));
      long running = System.nanoTime();
      try (MemorySampler memory = new MemorySampler("http://localhost:" + port, app.pid())) {
        progress.awaitAtLeast(WARMUP, Duration.ofSeconds(1_800));
        long warm = System.nanoTime();
        progress.awaitAtLeast(TOTAL, Duration.ofSeconds(1_800));
        rate = RECORDS / ((System.nanoTime() - warm) / 1e9);
        memory.stop();
        row(
            "(a) tokentally end to end, exactly-once, -Xmx512m, after the warm-up to the last"
                + " record out (committed)"
                + (RESPONSES
                    ? ", with a vendor response per request on llm.responses, reconciled"
                    : ", no responses"),
            rate,
            "",
            String.format(
                Locale.ROOT,
                "heap used max %d MiB, live after GC max %d MiB, RSS max %d MiB",
                memory.maxHeap() >> 20,
                memory.maxLive() >> 20,
                memory.maxRss() >> 20));
      }
      rows.add(
          String.format(
              Locale.ROOT,
              "| start-up: process start to RUNNING (vocabularies loaded) | %.1f s | | |",
              (running - launched) / 1e9));
      // The low rate first, on an idle app: the gating case. Then the rate the issue sets for p99.
      latency(bootstrap, LOW_LATENCY_RATE);
      latency(bootstrap, LATENCY_RATE);
      topicBytes(bootstrap);
    } finally {
      app.stop();
      app.close();
    }
    return rate;
  }

  /**
   * What the run wrote to the broker, per topic, against the input: the cost that a plain
   * consume-count-produce loop does not have (repartitions, changelogs, usage updates).
   */
  private void topicBytes(String bootstrap) throws Exception {
    Map<String, Long> perTopic = new TreeMap<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      var dirs = admin.describeLogDirs(List.of(1)).allDescriptions().get().get(1);
      for (var dir : dirs.values()) {
        dir.replicaInfos()
            .forEach(
                (partition, info) -> perTopic.merge(partition.topic(), info.size(), Long::sum));
      }
    }
    long input = perTopic.getOrDefault(REQUESTS, 1L);
    long written =
        perTopic.entrySet().stream()
            .filter(e -> !e.getKey().equals(REQUESTS) && !e.getKey().startsWith("__"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    StringBuilder detail = new StringBuilder();
    perTopic.forEach(
        (topic, size) -> {
          if (!topic.equals(REQUESTS) && !topic.startsWith("__") && size > input / 100) {
            detail.append(
                String.format(
                    Locale.ROOT,
                    "%s %.2fx; ",
                    topic.replace("tokentally-bench-", ""),
                    (double) size / input));
          }
        });
    rows.add(
        String.format(
            Locale.ROOT,
            "| bytes tokentally wrote to the broker per input byte (log sizes, input %.0f MB) |"
                + " %.2fx | | %s|",
            input / 1e6,
            (double) written / input,
            detail));
  }

  /** (b) produce-to-enriched latency at {@code rate}/s, from the records' timestamps. */
  private void latency(String bootstrap, int rate) throws Exception {
    int count = rate * LATENCY_SECONDS;
    String prefix = "lat" + rate + "-";
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      records.add(record(prefix + i, workload.get(i % workload.size())));
    }
    List<Long> latencies = new ArrayList<>(count);
    Map<String, Object> conf = new HashMap<>();
    conf.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    conf.put(ConsumerConfig.GROUP_ID_CONFIG, "latency-" + UUID.randomUUID());
    conf.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    conf.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(conf, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of("llm.requests.enriched", "llm.requests.dlq"));
      while (consumer.assignment().isEmpty()) {
        consumer.poll(Duration.ofMillis(100));
      }
      consumer.seekToEnd(consumer.assignment());
      consumer.assignment().forEach(consumer::position);
      try (PacedProducer producer = PacedProducer.start(bootstrap, records, rate)) {
        long deadline = System.nanoTime() + Duration.ofSeconds(LATENCY_SECONDS + 120L).toNanos();
        while (latencies.size() < count && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
            if (new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix)) {
              latencies.add(System.currentTimeMillis() - r.timestamp());
            }
          }
        }
        producer.awaitDone();
      }
    }
    long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    rows.add(
        String.format(
            Locale.ROOT,
            "| (b) produce to enriched/dead-letter (committed) at %,d records/s for %d s | p50 %d ms,"
                + " p99 %d ms, max %d ms | | %,d of %,d records seen |",
            rate,
            LATENCY_SECONDS,
            sorted[sorted.length / 2],
            sorted[(int) (sorted.length * 0.99)],
            sorted[sorted.length - 1],
            sorted.length,
            count));
  }

  /** (d) a plain consumer, count, producer loop: at-least-once, same threads, same assessor. */
  private double baselineLoop(String bootstrap) throws Exception {
    double rate = loop(bootstrap, "baseline", assessor(65_536));
    row("(d) baseline: plain consumer -> count -> producer loop, at-least-once", rate, "", "");
    return rate;
  }

  /**
   * (f) the same loop with no processing: each record copied as it is. What the broker and the
   * clients cost on this machine, for the limit in every report.
   */
  private double copyLoop(String bootstrap) throws Exception {
    double rate = loop(bootstrap, "copy", null);
    row("(f) copy loop: plain consumer -> producer, no processing, at-least-once", rate, "", "");
    return rate;
  }

  /**
   * @param assessor counts each record as the topology does, or null to copy records unchanged
   */
  private double loop(String bootstrap, String name, RequestAssessor assessor) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.createTopics(List.of(new NewTopic(name + ".out", PARTITIONS, (short) 1))).all().get();
    }
    AtomicLong done = new AtomicLong();
    String group = name + "-" + UUID.randomUUID();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      workers.add(pool.submit(() -> loopWorker(bootstrap, group, name + ".out", assessor, done)));
    }
    while (done.get() < WARMUP && workers.stream().noneMatch(Future::isDone)) {
      Thread.sleep(5);
    }
    long warm = System.nanoTime();
    for (Future<?> w : workers) {
      w.get();
    }
    pool.shutdown();
    return RECORDS / ((System.nanoTime() - warm) / 1e9);
  }

  private static Void loopWorker(
      String bootstrap, String group, String out, RequestAssessor assessor, AtomicLong done) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer = producer(bootstrap, 5)) {
      consumer.subscribe(List.of(REQUESTS));
      while (done.get() < TOTAL) {
        var records = consumer.poll(Duration.ofMillis(100));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (assessor == null) {
            producer.send(new ProducerRecord<>(out, r.key(), r.value()));
            continue;
          }
          var name = r.headers().lastHeader("X-Opper-Name");
          var model = r.headers().lastHeader("X-Tokentally-Model");
          Assessment a =
              assessor.assess(
                  new InboundRecord(
                      r.key(),
                      r.value(),
                      name == null ? null : new String(name.value(), StandardCharsets.UTF_8),
                      null,
                      model == null ? null : new String(model.value(), StandardCharsets.UTF_8),
                      new SourcePosition(r.topic(), r.partition(), r.offset(), r.timestamp())));
          byte[] value =
              a instanceof Assessment.Counted counted
                  ? counted.request().enriched()
                  : ((Assessment.Rejected) a).value();
          producer.send(new ProducerRecord<>(out, r.key(), value));
        }
        if (!records.isEmpty()) {
          producer.flush();
          consumer.commitSync();
          done.addAndGet(records.count());
        }
      }
    }
    return null;
  }

  private static void deleteTree(Path dir) throws Exception {
    if (Files.exists(dir)) {
      try (var paths = Files.walk(dir)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
