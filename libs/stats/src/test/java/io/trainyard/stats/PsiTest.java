package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Reference values from numpy 2.4.6: {@code edges = np.unique(np.percentile(ref, [10, 20, ...,
 * 90]))}, {@code props = np.bincount(np.searchsorted(edges, v, side='left'), minlength=len(edges) +
 * 1) / len(v)}, {@code psi = np.sum((r - c) * np.log(r / c))} with {@code r, c = np.maximum(r,
 * 1e-4), np.maximum(c, 1e-4)}.
 */
class PsiTest {

  @Test
  void decileEdgesInterpolateLinearlyAsNumpyPercentile() {
    // np.percentile(np.arange(1, 101), [10, ..., 90])
    double[] oneToHundred = IntStream.rangeClosed(1, 100).asDoubleStream().toArray();
    assertThat(Psi.decileEdges(oneToHundred))
        .containsExactly(10.9, 20.8, 30.7, 40.6, 50.5, 60.4, 70.3, 80.2, 90.10000000000001);

    // Unsorted, 12 values: h = 11 * q / 100 falls between ranks.
    double[] twelve = {5.5, 0.3, 2.2, 12.5, 1.7, 3.1, 2.9, 9.6, 4.8, 8.8, 6.0, 7.4};
    assertThat(Psi.decileEdges(twelve))
        .containsExactly(
            1.75,
            2.3400000000000003,
            2.96,
            3.7800000000000007,
            5.15,
            5.8,
            6.9799999999999995,
            8.520000000000001,
            9.52);
  }

  @Test
  void percentileMatchesNumpy() {
    double[] twelve = {0.3, 1.7, 2.2, 2.9, 3.1, 4.8, 5.5, 6.0, 7.4, 8.8, 9.6, 12.5};
    // np.percentile(c12, [10, 55, 100, 0]) = [1.75, 5.525, 12.5, 0.3]
    assertThat(Quantiles.percentile(twelve, 10)).isEqualTo(1.75);
    assertThat(Quantiles.percentile(twelve, 55)).isEqualTo(5.525);
    assertThat(Quantiles.percentile(twelve, 100)).isEqualTo(12.5);
    assertThat(Quantiles.percentile(twelve, 0)).isEqualTo(0.3);
    assertThat(Quantiles.percentile(new double[] {Double.NaN, 4.0, Double.NaN}, 37)).isEqualTo(4.0);
  }

  @Test
  void equalEdgesCollapseAndNaNsAreIgnored() {
    // 15 zeros and 85 ones: every decile is 0 or 1 -> edges [0, 1], three bins.
    double[] binary = new double[100];
    for (int i = 15; i < 100; i++) {
      binary[i] = 1;
    }
    double[] edges = Psi.decileEdges(binary);
    assertThat(edges).containsExactly(0.0, 1.0);
    assertThat(Psi.proportions(binary, edges)).containsExactly(0.15, 0.85, 0.0);

    double[] constant = {7, 7, Double.NaN, 7};
    assertThat(Psi.decileEdges(constant)).containsExactly(7.0);
    assertThat(Psi.proportions(constant, new double[] {7.0})).containsExactly(1.0, 0.0);
  }

  @Test
  void binsAreClosedOnTheRight() {
    double[] edges = {1.0, 2.0, 3.0};
    assertThat(Psi.bin(-100, edges)).isZero();
    assertThat(Psi.bin(1.0, edges)).isZero(); // (-inf, 1]
    assertThat(Psi.bin(Math.nextUp(1.0), edges)).isEqualTo(1); // (1, 2]
    assertThat(Psi.bin(2.0, edges)).isEqualTo(1);
    assertThat(Psi.bin(3.0, edges)).isEqualTo(2); // (2, 3]
    assertThat(Psi.bin(3.5, edges)).isEqualTo(3); // (3, +inf)
    assertThat(Psi.bin(Double.POSITIVE_INFINITY, edges)).isEqualTo(3);

    // Eleven values whose deciles are values of the set: each edge value sits in the bin it closes.
    double[] values = {3.5, 1.0, 7.25, 2.0, 10.0, 4.0, 8.5, 6.0, 5.0, 9.0, 0.5, Double.NaN};
    double[] deciles = Psi.decileEdges(values);
    assertThat(deciles).containsExactly(1.0, 2.0, 3.5, 4.0, 5.0, 6.0, 7.25, 8.5, 9.0);
    double[] p = Psi.proportions(values, deciles);
    // numpy: [2/11, 1/11, ..., 1/11] (0.5 and 1.0 in the first bin, 10.0 in the last)
    assertThat(p[0]).isEqualTo(2.0 / 11);
    for (int i = 1; i < p.length; i++) {
      assertThat(p[i]).isEqualTo(1.0 / 11);
    }
  }

  @Test
  void identicalDistributionsHavePsiZero() {
    double[] p = {0.1, 0.2, 0.3, 0.4};
    assertThat(Psi.psi(p, p.clone())).isZero();
    assertThat(Psi.psi(new double[] {0.5, 0.5, 0}, new double[] {0.5, 0.5, 0})).isZero();
  }

  @Test
  void twoBinsByHand() {
    // (0.5 - 0.8) ln(0.5 / 0.8) + (0.5 - 0.2) ln(0.5 / 0.2) = 0.3 (ln 2.5 - ln 0.625) = 0.3 ln 4
    assertThat(Psi.psi(new double[] {0.5, 0.5}, new double[] {0.8, 0.2}))
        .isCloseTo(0.3 * Math.log(4), within(1e-15))
        .isCloseTo(0.41588830833596724, within(1e-15));
    // Symmetric in its arguments.
    assertThat(Psi.psi(new double[] {0.8, 0.2}, new double[] {0.5, 0.5}))
        .isCloseTo(0.3 * Math.log(4), within(1e-15));
  }

  @Test
  void emptyBinsAreFlooredAtOneInTenThousand() {
    // 0 + (0.5 - 0.4) ln(0.5 / 0.4) + (1e-4 - 0.1) ln(1e-4 / 0.1)
    //   = 0.1 ln 1.25 + 0.0999 ln 1000 = 0.0223144 + 0.6900847 = 0.7123991
    double expected = 0.1 * Math.log(1.25) + 0.0999 * Math.log(1000);
    assertThat(Psi.psi(new double[] {0.5, 0.5, 0.0}, new double[] {0.5, 0.4, 0.1}))
        .isCloseTo(expected, within(1e-15))
        .isCloseTo(0.7123991075017365, within(1e-15));
    // Both sides floored: (1 - 1e-4) ln(1e4) twice = 18.4188...
    assertThat(Psi.psi(new double[] {1.0, 0.0}, new double[] {0.0, 1.0}))
        .isCloseTo(2 * 0.9999 * Math.log(1e4), within(1e-12))
        .isCloseTo(18.41883867587797, within(1e-12));
    // A proportion below the floor counts as the floor, like 0.
    assertThat(Psi.psi(new double[] {0.99995, 0.00005}, new double[] {0.5, 0.5}))
        .isEqualTo(Psi.psi(new double[] {0.99995, 0.0}, new double[] {0.5, 0.5}));
  }

  @Test
  void psiOfAShiftedSampleMatchesNumpy() {
    // ref = [i*i/7 for i in range(50)], cur = [i*i/7 for i in range(10, 60)]
    double[] reference = IntStream.range(0, 50).mapToDouble(i -> i * i / 7.0).toArray();
    double[] current = IntStream.range(10, 60).mapToDouble(i -> i * i / 7.0).toArray();
    double[] edges = Psi.decileEdges(reference);
    assertThat(edges)
        .containsExactly(
            3.4428571428571435,
            13.742857142857146,
            30.9,
            54.914285714285725,
            85.78571428571429,
            123.5142857142857,
            168.09999999999997,
            219.54285714285717,
            277.84285714285716);
    double[] r = Psi.proportions(reference, edges);
    double[] c = Psi.proportions(current, edges);
    assertThat(r).containsExactly(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1);
    assertThat(c).containsExactly(0.0, 0.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3);
    assertThat(Psi.psi(r, c)).isCloseTo(1.599891962474253, within(1e-12));
  }

  @Test
  void proportionsOfCounts() {
    assertThat(Psi.proportions(new long[] {1, 3, 0})).containsExactly(0.25, 0.75, 0.0);
    assertThat(Psi.proportions(new long[] {0, 0})).containsExactly(0.0, 0.0);
  }

  @Test
  void invalidInputIsRefusedWithAReason() {
    assertThatThrownBy(() -> Psi.decileEdges(new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no number");
    assertThatThrownBy(() -> Psi.decileEdges(new double[] {1, Double.POSITIVE_INFINITY}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> Psi.proportions(new double[] {1}, new double[] {2, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly ascending");
    assertThatThrownBy(() -> Psi.proportions(new double[] {Double.NaN}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Psi.psi(new double[] {0.5, 0.5}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("one proportion per bin");
    assertThatThrownBy(() -> Psi.psi(new double[] {1.5}, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> Psi.bin(Double.NaN, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
