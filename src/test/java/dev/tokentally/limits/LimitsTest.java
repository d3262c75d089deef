package dev.tokentally.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which requests need their name's budget owner: the rest are written without a repartition. */
class LimitsTest {
  private static Limits budgets(String... names) {
    return new Limits(
        null,
        Map.of(),
        Map.of(),
        List.of(names).stream().map(n -> new Budget(n, 100, Duration.ofMinutes(1))).toList(),
        false);
  }

  @Test
  void aNameIsBudgetedOnlyWhenABudgetAppliesToIt() {
    Limits one = budgets("team-a");
    assertThat(one.budgeted("team-a")).isTrue();
    assertThat(one.budgeted("team-b")).isFalse();
    assertThat(one.budgeted(null)).isFalse();
    assertThat(Limits.NONE.budgeted("team-a")).isFalse();
  }

  @Test
  void theWildcardBudgetsEveryNamedRequestButNotUnnamedOnes() {
    Limits every = budgets(Budget.ANY_NAME);
    assertThat(every.budgeted("anything")).isTrue();
    assertThat(every.budgeted(null)).isFalse();
  }
}
