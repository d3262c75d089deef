package dev.tokentally.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LabelValuesTest {

  @Test
  void allowedValuesAndTheFirstFewKeepTheirLabelAndTheRestAreOther() {
    LabelValues labels = new LabelValues(List.of("billing"), 2, 64);

    assertThat(labels.of("a")).isEqualTo("a");
    assertThat(labels.of("b")).isEqualTo("b");
    assertThat(labels.of("c")).isEqualTo(LabelValues.OTHER);
    assertThat(labels.of("a")).as("admitted values stay admitted").isEqualTo("a");
    assertThat(labels.of("billing")).as("allowed values never use a slot").isEqualTo("billing");
    assertThat(labels.distinct()).isEqualTo(3);
  }

  @Test
  void longValuesAreCutWithoutSplittingASurrogatePair() {
    LabelValues labels = new LabelValues(List.of(), 10, 8);

    assertThat(labels.of("abcdefghijk")).isEqualTo("abcdefgh");
    assertThat(labels.of("abcdefg\uD83D\uDE00xyz")).isEqualTo("abcdefg");
  }

  @Test
  void concurrentCallersNeverAdmitMoreThanTheBound() throws Exception {
    LabelValues labels = new LabelValues(List.of(), 50, 64);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      int thread = t;
      pool.submit(
          () -> {
            for (int i = 0; i < 1000; i++) {
              seen.add(labels.of("name-" + thread + "-" + i));
            }
          });
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    assertThat(seen).hasSize(50 + 1).contains(LabelValues.OTHER);
    assertThat(labels.distinct()).isEqualTo(50);
  }
}
