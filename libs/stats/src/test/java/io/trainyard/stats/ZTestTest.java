package io.trainyard.stats;

import static io.trainyard.stats.DriftFixtures.assertRelative;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@link ZTest#twoProportions} against {@code statsmodels.stats.proportion.proportions_ztest([s1,
 * s2], [n1, n2])} of statsmodels 0.13.5: z to 1e-9, p to 1e-9 relative (values printed by {@code
 * src/test/resources/drift_reference.py}).
 */
class ZTestTest {

  private static void assertStatsmodels(
      long s1, long n1, long s2, long n2, double z, double pValue) {
    TestResult result = ZTest.twoProportions(s1, n1, s2, n2);
    assertThat(result.statistic()).isCloseTo(z, within(1e-9));
    assertRelative(result.pValue(), pValue, 1e-9);
  }

  @Test
  void zAndPValueAreStatsmodels() {
    // proportions_ztest([s1, s2], [n1, n2])
    assertStatsmodels(45, 100, 30, 100, 2.1908902300206647, 0.02845973691631055);
    assertStatsmodels(5, 20, 9, 25, -0.7920253452165767, 0.428345897981267);
    assertStatsmodels(480, 1000, 520, 1000, -1.7888543819998333, 0.0736382701203024);
    assertStatsmodels(0, 50, 7, 60, -2.495951414347477, 0.012561980610043356);
    assertStatsmodels(3, 3, 0, 4, 2.6457513110645907, 0.008150971593502691);
    // Far in the tail the p-value keeps its relative precision (2 norm.sf, not 2 (1 - cdf)).
    assertStatsmodels(900, 1000, 700, 1000, 11.180339887498953, 5.08946897381411e-29);
    // Swapping the samples flips z only.
    assertStatsmodels(30, 100, 45, 100, -2.1908902300206647, 0.02845973691631055);
  }

  @Test
  void equalProportionsOfZeroOrOneGiveZAndPOfNoDifference() {
    // statsmodels: proportions_ztest([0, 0], [10, 20]) and ([10, 20], [10, 20]) are (nan, nan);
    // here z = 0 and p = 1.
    assertThat(ZTest.twoProportions(0, 10, 0, 20)).isEqualTo(new TestResult(0.0, 1.0));
    assertThat(ZTest.twoProportions(10, 10, 20, 20)).isEqualTo(new TestResult(0.0, 1.0));
    // Equal proportions in between are an ordinary z = 0.
    assertThat(ZTest.twoProportions(5, 10, 10, 20)).isEqualTo(new TestResult(0.0, 1.0));
  }

  @Test
  void invalidCountsAreRefusedWithAReason() {
    assertThatThrownBy(() -> ZTest.twoProportions(0, 0, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sample 1 needs at least 1 trial, but n1 is 0");
    assertThatThrownBy(() -> ZTest.twoProportions(1, 2, 3, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sample 2 has 3 successes in 2 trials; successes must be in [0, n2]");
    assertThatThrownBy(() -> ZTest.twoProportions(-1, 2, 1, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("sample 1 has -1 successes in 2 trials; successes must be in [0, n1]");
  }
}
