package io.trainyard.stats;

import static io.trainyard.stats.DriftFixtures.affine;
import static io.trainyard.stats.DriftFixtures.assertRelative;
import static io.trainyard.stats.DriftFixtures.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.stats.DriftFixtures.Current;
import io.trainyard.stats.DriftFixtures.Reference;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link KolmogorovSmirnov#twoSample} against {@code scipy.stats.ks_2samp(a, b)} of SciPy 1.10.1
 * (values printed by {@code src/test/resources/drift_reference.py}, whose {@code uniform(seed, n)}
 * gives the same doubles as {@link DriftFixtures#uniform}): the statistic to 1e-12, the p-value to
 * 1e-9 relative.
 */
class KolmogorovSmirnovTest {

  private static void assertScipy(TestResult result, double statistic, double pValue) {
    assertThat(result.statistic()).isCloseTo(statistic, within(1e-12));
    assertRelative(result.pValue(), pValue, 1e-9);
  }

  @Test
  void equalSizesUseTheExactSquareMethod() {
    // ks_2samp(uniform(1, 20), uniform(2, 20) * 1.1 + 0.05)
    assertScipy(
        KolmogorovSmirnov.twoSample(uniform(1, 20), affine(uniform(2, 20), 1.1, 0.05)),
        0.35,
        0.17453300569806826);
    // ks_2samp(uniform(5, 1000), uniform(6, 1000) * 0.9 + 0.08)
    assertScipy(
        KolmogorovSmirnov.twoSample(uniform(5, 1000), affine(uniform(6, 1000), 0.9, 0.08)),
        0.094,
        0.0002883096840614359);
  }

  @Test
  void unequalSizesUseTheExactInsideMethod() {
    // ks_2samp(uniform(3, 50), uniform(4, 80) + 0.1)
    assertScipy(
        KolmogorovSmirnov.twoSample(uniform(3, 50), affine(uniform(4, 80), 1, 0.1)),
        0.1775,
        0.25459074457818376);
    // ks_2samp(uniform(7, 1000), uniform(8, 300) + 0.03)
    assertScipy(
        KolmogorovSmirnov.twoSample(uniform(7, 1000), affine(uniform(8, 300), 1, 0.03)),
        0.07966666666666666,
        0.10144799674513258);
    // The test is symmetric in its samples.
    assertScipy(
        KolmogorovSmirnov.twoSample(affine(uniform(8, 300), 1, 0.03), uniform(7, 1000)),
        0.07966666666666666,
        0.10144799674513258);
  }

  @Test
  void aSampleAbove10000ValuesUsesTheAsymptoticDistribution() {
    // ks_2samp(uniform(9, 12000), uniform(10, 500) * 1.2 - 0.1): kstwo.sf(D, round(480.0))
    assertScipy(
        KolmogorovSmirnov.twoSample(uniform(9, 12000), affine(uniform(10, 500), 1.2, -0.1)),
        0.1256666666666667,
        4.5725238960715335e-07);
    // ks_2samp(uniform(11, 7), uniform(12, 12000)): kstwo with n = round(6.996) = 7
    assertScipy(
        KolmogorovSmirnov.twoSample(uniform(11, 7), uniform(12, 12000)),
        0.30332142857142863,
        0.45287212134360233);
  }

  @Test
  void tiesAreCountedOnBothSides() {
    // ks_2samp(floor(uniform(13, 300) * 10), floor(uniform(14, 200) * 11))
    double[] a = Arrays.stream(uniform(13, 300)).map(v -> Math.floor(v * 10)).toArray();
    double[] b = Arrays.stream(uniform(14, 200)).map(v -> Math.floor(v * 11)).toArray();
    assertScipy(KolmogorovSmirnov.twoSample(a, b), 0.105, 0.13505500365124082);
  }

  @Test
  void identicalSamplesHavePValueOne() {
    double[] a = uniform(15, 400);
    TestResult same = KolmogorovSmirnov.twoSample(a, a.clone());
    assertThat(same.statistic()).isZero();
    assertThat(same.pValue()).isEqualTo(1.0);
    double[] ties = {1, 1, 2, 2, 2, 5};
    assertThat(KolmogorovSmirnov.twoSample(ties, new double[] {5, 2, 1, 2, 1, 2}).pValue())
        .isEqualTo(1.0);
  }

  @Test
  void anExactProbabilityAboveOneFallsBackToTheAsymptoticOneAsScipy() {
    // 7 against 7 interleaved values: D = 1/7, and _compute_prob_outside_square(7, 1) rounds to
    // 1.0000000000000002, so ks_2samp(arange(0, 14, 2), arange(1, 15, 2)) warns and returns
    // kstwo.sf(1/7, round(3.5) = 4) = 0.9999609537692629.
    double[] a = {0, 2, 4, 6, 8, 10, 12};
    double[] b = {1, 3, 5, 7, 9, 11, 13};
    assertThat(KolmogorovSmirnov.probOutsideSquare(7, 1)).isGreaterThan(1.0);
    assertScipy(KolmogorovSmirnov.twoSample(a, b), 0.14285714285714285, 0.9999609537692629);
  }

  @Test
  void nanValuesAreIgnored() {
    double[] a = uniform(7, 1000);
    double[] b = affine(uniform(8, 300), 1, 0.03);
    double[] aWithNaN = Arrays.copyOf(a, 1003);
    aWithNaN[1000] = Double.NaN;
    aWithNaN[1001] = Double.NaN;
    aWithNaN[1002] = Double.NaN;
    double[] bWithNaN = Arrays.copyOf(b, 301);
    bWithNaN[300] = Double.NaN;
    assertThat(KolmogorovSmirnov.twoSample(aWithNaN, bWithNaN))
        .isEqualTo(KolmogorovSmirnov.twoSample(a, b));
  }

  @Test
  void theAsymptoticPValueIsScipysAsympMethod() {
    // ks_2samp(uniform(7, 1000), uniform(8, 300) + 0.03, method='asymp').pvalue
    assertRelative(
        KolmogorovSmirnov.asymptoticPValue(0.07966666666666666, 1000, 300),
        0.10089291616299667,
        1e-9);
  }

  @Test
  void invalidSamplesAreRefused() {
    assertThatThrownBy(() -> KolmogorovSmirnov.twoSample(null, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a must not be null");
    assertThatThrownBy(() -> KolmogorovSmirnov.twoSample(new double[] {1}, new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("b holds no number (0 values, all NaN or none)");
    assertThatThrownBy(
            () -> KolmogorovSmirnov.twoSample(new double[] {Double.NaN}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a holds no number (1 values, all NaN or none)");
    QuantileSketch sketch = QuantileSketch.of(new double[] {1, 2, 3}, 3);
    assertThatThrownBy(() -> KolmogorovSmirnov.fromSketch(null, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reference must not be null");
    assertThatThrownBy(() -> KolmogorovSmirnov.fromSketch(sketch, new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("current holds no number");
  }

  @Test
  void theSketchStatisticIsTheSupremumOfItsCdfAgainstTheCurrentEcdf() {
    // Uniform on [0, 1] (quantiles 0 and 1): against {0.5}, F jumps from 0 to 1 at 0.5 where the
    // sketch is at 0.5, so D = 0.5; against {0.25, 0.75}, D = 0.25.
    QuantileSketch uniform =
        new QuantileSketch(1000, 0.5, Math.sqrt(1.0 / 12), new double[] {0, 1});
    assertThat(KolmogorovSmirnov.fromSketch(uniform, new double[] {0.5}).statistic())
        .isEqualTo(0.5);
    assertThat(KolmogorovSmirnov.fromSketch(uniform, new double[] {0.25, 0.75}).statistic())
        .isEqualTo(0.25);
    // A current entirely above the sketch's maximum: D = 1, p-value tiny.
    TestResult apart = KolmogorovSmirnov.fromSketch(uniform, new double[] {2, 3, 4, 5});
    assertThat(apart.statistic()).isEqualTo(1.0);
    assertThat(apart.pValue()).isLessThan(1e-6);
    // One value against one: round(0.5) = 0, and kstwo.sf(d, 0) is nan in SciPy too.
    QuantileSketch single = QuantileSketch.of(new double[] {3}, 2);
    assertThat(KolmogorovSmirnov.fromSketch(single, new double[] {4}).pValue()).isNaN();
  }

  /**
   * On references of 100,000 and 1,000,000 values ({@link DriftFixtures#references}: normal,
   * lognormal, bimodal, and Poisson integers with ties everywhere) and currents of 1,000 and
   * 100,000 values shifted by 0, 0.1 and 0.5 standard deviations, the sketch's statistic is within
   * 0.001 of {@code ks_2samp} on the raw reference (measured worst case: 3.7e-4, a Poisson
   * reference; 7.9e-5 for the continuous ones), and its p-value is the asymptotic one with {@code
   * n1 = count}.
   */
  @Test
  void theSketchStatisticIsCloseToTheRawSampleOne() {
    double worst = 0;
    for (Reference reference : DriftFixtures.references()) {
      for (Current current : reference.currents()) {
        double raw = KolmogorovSmirnov.twoSample(reference.sorted(), current.values()).statistic();
        TestResult sketched = KolmogorovSmirnov.fromSketch(reference.sketch(), current.values());
        double error = Math.abs(sketched.statistic() - raw);
        assertThat(error)
            .as(
                "%s of %d against %d values shifted by %s",
                reference.name(), reference.sorted().length, current.size(), current.shift())
            .isLessThanOrEqualTo(0.001);
        worst = Math.max(worst, error);
        assertThat(sketched.pValue())
            .isEqualTo(
                KolmogorovSmirnov.asymptoticPValue(
                    sketched.statistic(), reference.sketch().count(), current.size()));
      }
    }
    assertThat(worst).isGreaterThan(0); // the comparison is not vacuous
  }
}
