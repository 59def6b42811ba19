package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * {@link MultipleTesting} against {@code statsmodels.stats.multitest.multipletests(p,
 * method=...)[1]} of statsmodels 0.13.5, to 1e-12 (values printed by {@code
 * src/test/resources/drift_reference.py}).
 */
class MultipleTestingTest {

  // With ties (0.04 twice), 0 and 1.
  private static final double[] P = {0.01, 0.04, 0.03, 0.2, 0.04, 0.5, 0.0, 1.0, 0.001, 0.9};

  @Test
  void bonferroniIsStatsmodels() {
    // multipletests(P, method='bonferroni')[1]
    assertThat(MultipleTesting.bonferroni(P))
        .containsExactly(
            new double[] {0.1, 0.4, 0.3, 1.0, 0.4, 1.0, 0.0, 1.0, 0.01, 1.0}, within(1e-12));
  }

  @Test
  void benjaminiHochbergIsStatsmodels() {
    // multipletests(P, method='fdr_bh')[1]
    assertThat(MultipleTesting.benjaminiHochberg(P))
        .containsExactly(
            new double[] {
              0.03333333333333333,
              0.06666666666666667,
              0.06666666666666667,
              0.28571428571428575,
              0.06666666666666667,
              0.625,
              0.0,
              1.0,
              0.005,
              1.0
            },
            within(1e-12));
  }

  @Test
  void nanPValuesStayNanAndAreNotCounted() {
    // multipletests([0.02, 0.3, 0.011, 0.04], method=...)[1]: the NaNs are left out
    double[] withNaN = {0.02, Double.NaN, 0.3, 0.011, Double.NaN, 0.04};
    double[] bonferroni = MultipleTesting.bonferroni(withNaN);
    assertThat(bonferroni[1]).isNaN();
    assertThat(bonferroni[4]).isNaN();
    assertThat(new double[] {bonferroni[0], bonferroni[2], bonferroni[3], bonferroni[5]})
        .containsExactly(new double[] {0.08, 1.0, 0.044, 0.16}, within(1e-12));
    double[] bh = MultipleTesting.benjaminiHochberg(withNaN);
    assertThat(bh[1]).isNaN();
    assertThat(bh[4]).isNaN();
    assertThat(new double[] {bh[0], bh[2], bh[3], bh[5]})
        .containsExactly(new double[] {0.04, 0.3, 0.04, 0.05333333333333334}, within(1e-12));
    assertThat(MultipleTesting.benjaminiHochberg(new double[] {Double.NaN}))
        .containsExactly(Double.NaN);
    assertThat(MultipleTesting.bonferroni(new double[0])).isEmpty();
    assertThat(MultipleTesting.benjaminiHochberg(new double[0])).isEmpty();
  }

  @Test
  void invalidPValuesAreRefused() {
    assertThatThrownBy(() -> MultipleTesting.bonferroni(new double[] {0.5, 1.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pValues[1] is 1.5; a p-value must be in [0, 1] or NaN");
    assertThatThrownBy(() -> MultipleTesting.benjaminiHochberg(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("pValues must not be null");
  }
}
