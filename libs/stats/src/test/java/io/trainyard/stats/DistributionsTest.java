package io.trainyard.stats;

import static io.trainyard.stats.DriftFixtures.assertRelative;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Reference values from SciPy 1.10.1 ({@code src/test/resources/drift_reference.py}); each expected
 * value is the repr of the expression in its comment.
 */
class DistributionsTest {

  @Test
  void normalSurvivalIsScipysAndKeepsItsPrecisionInTheTail() {
    // stats.norm.sf(z)
    assertRelative(Distributions.normalSf(-3.0), 0.9986501019683699, 1e-15);
    assertThat(Distributions.normalSf(0.0)).isEqualTo(0.5);
    assertRelative(Distributions.normalSf(0.5), 0.3085375387259869, 1e-15);
    assertRelative(Distributions.normalSf(1.0), 0.15865525393145707, 1e-15);
    assertRelative(Distributions.normalSf(1.959963984540054), 0.025, 1e-14);
    assertRelative(Distributions.normalSf(5.0), 2.866515718791933e-07, 1e-13);
    assertRelative(Distributions.normalSf(10.0), 7.61985302416047e-24, 1e-13);
    assertRelative(Distributions.normalSf(20.0), 2.7536241186061556e-89, 1e-13);
    assertRelative(Distributions.normalSf(37.0), 5.7255712225239266e-300, 1e-13);
    assertThat(Distributions.normalSf(40.0)).isZero();
    assertThat(Distributions.normalSf(Double.NEGATIVE_INFINITY)).isEqualTo(1.0);
    assertThat(Distributions.normalSf(Double.NaN)).isNaN();
  }

  @Test
  void chiSquaredSurvivalIsScipysAcrossDegreesOfFreedomAndTails() {
    // stats.chi2.sf(x, df)
    assertRelative(Distributions.chi2Sf(0.5, 1), 0.47950012218695337, 1e-12);
    assertRelative(Distributions.chi2Sf(3.841458820694124, 1), 0.04999999999999989, 1e-12);
    assertRelative(Distributions.chi2Sf(50.0, 1), 1.537459794428033e-12, 1e-12);
    assertRelative(Distributions.chi2Sf(1000.0, 1), 1.7958327848007363e-219, 1e-12);
    assertRelative(Distributions.chi2Sf(4.0, 3), 0.26146412994911117, 1e-12);
    assertRelative(Distributions.chi2Sf(10.0, 10), 0.44049328506521257, 1e-12);
    assertRelative(Distributions.chi2Sf(120.0, 100), 0.08440668109369177, 1e-12);
    assertRelative(Distributions.chi2Sf(60.0, 100), 0.999481108537452, 1e-12);
    assertRelative(Distributions.chi2Sf(1000.0, 100), 2.3060767380354624e-148, 1e-12);
    assertRelative(Distributions.chi2Sf(210.0, 200), 0.2997546576088437, 1e-12);
    assertRelative(Distributions.chi2Sf(300.0, 200), 5.924540335483916e-06, 1e-12);
    assertRelative(Distributions.chi2Sf(1000.0, 200), 1.5008794119251172e-106, 1e-12);
    // Degrees of freedom need not be integers.
    assertRelative(Distributions.chi2Sf(0.001, 2.5), 0.999934027829081, 1e-12);
    assertRelative(Distributions.chi2Sf(7.3, 4.5), 0.15768723634941148, 1e-12);
    // df = 2 is the exponential distribution: Q(1, x / 2) = exp(-x / 2).
    for (double x : new double[] {0.01, 1, 7.5, 40, 700}) {
      assertRelative(Distributions.chi2Sf(x, 2), Math.exp(-x / 2), 1e-13);
    }
  }

  @Test
  void chiSquaredEdgesAndInvalidDegreesOfFreedom() {
    assertThat(Distributions.chi2Sf(0, 3)).isEqualTo(1.0);
    assertThat(Distributions.chi2Sf(-2, 3)).isEqualTo(1.0);
    assertThat(Distributions.chi2Sf(Double.POSITIVE_INFINITY, 3)).isZero();
    assertThat(Distributions.chi2Sf(Double.NaN, 3)).isNaN();
    for (double df : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      assertThatThrownBy(() -> Distributions.chi2Sf(1, df))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("degrees of freedom must be a positive number");
    }
  }

  @Test
  void kolmogorovSurvivalIsScipysKstwoOnEveryBranch() {
    // stats.kstwo.sf(d, n); the comment names the branch of scipy's _kolmogn.
    assertRelative(Distributions.kstwoSf(0.15, 5), 0.9988, 1e-12); // Ruben-Gambino, n d <= 1
    assertThat(Distributions.kstwoSf(0.004, 200)).isEqualTo(1.0); // n d <= 0.5
    assertRelative(Distributions.kstwoSf(0.95, 10), 1.9531250000000172e-13, 1e-9); // n d >= n - 1
    assertRelative(Distributions.kstwoSf(0.6, 30), 7.392006292214292e-11, 1e-9); // d >= 0.5
    assertRelative(Distributions.kstwoSf(0.05, 100), 0.9532159710635725, 1e-9); // Durbin
    assertRelative(Distributions.kstwoSf(0.15, 100), 0.019839242125641813, 1e-9); // Pomeranz
    assertRelative(Distributions.kstwoSf(0.3, 100), 1.7719869892662917e-08, 1e-9); // 2 smirnov
    assertRelative(Distributions.kstwoSf(0.1, 480), 0.00012456374046663593, 1e-9); // 2 smirnov
    assertRelative(Distributions.kstwoSf(0.02, 1000), 0.8108971656895577, 1e-9); // Durbin
    assertRelative(Distributions.kstwoSf(0.002, 200000), 0.39995085369038097, 1e-9); // Pelz-Good
    assertThat(Distributions.kstwoSf(0.2, 10000)).isZero(); // n d^2 >= 370
    // n > 10^6: smirnov's closed-form approximation
    assertRelative(Distributions.kstwoSf(0.0015, 2500000), 2.5988593138265794e-05, 1e-9);
    assertRelative(Distributions.kstwoSf(0.25, 4), 0.90625, 1e-12);
    assertThat(Distributions.kstwoSf(1.0, 7)).isZero();
    assertThat(Distributions.kstwoSf(0.0, 7)).isEqualTo(1.0);
    assertThatThrownBy(() -> Distributions.kstwoSf(0.1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n >= 1");
  }

  @Test
  void smirnovIsTheBirnbaumTingeySum() {
    // n = 3, x = 0.4: floor(n (1 - x)) = 1, so x (C(3,0) x^-1 (1 - x)^3 + C(3,1) (x + 1/3)^0 (2/3 -
    // x)^2)
    double x = 0.4;
    double expected = 0;
    for (int v = 0; v <= 1; v++) {
      double c = v == 0 ? 1 : 3;
      expected += c * Math.pow(x + v / 3.0, v - 1) * Math.pow(1 - x - v / 3.0, 3 - v);
    }
    assertRelative(Distributions.smirnov(3, x), x * expected, 1e-14);
    assertThat(Distributions.smirnov(1, 0.3)).isCloseTo(0.7, within(1e-16));
  }
}
