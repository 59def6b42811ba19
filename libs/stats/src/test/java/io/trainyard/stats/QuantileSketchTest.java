package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link QuantileSketch}: quantiles, mean and standard deviation as numpy 1.24 computes them
 * ({@code src/test/resources/drift_reference.py}), and the sketch's CDF.
 */
class QuantileSketchTest {

  private static final double[] TWELVE = {
    5.5, 0.3, 2.2, 12.5, 1.7, 3.1, Double.NaN, 2.9, 9.6, 4.8, 8.8, 6.0, 7.4
  };

  @Test
  void quantilesMeanAndStdAreNumpys() {
    // np.quantile(v, np.arange(5) / 4), np.mean(v), np.std(v) over the 12 numbers (NaN dropped)
    QuantileSketch five = QuantileSketch.of(TWELVE, 5);
    assertThat(five.count()).isEqualTo(12);
    assertThat(five.quantiles()).containsExactly(0.3, 2.725, 5.15, 7.75, 12.5);
    assertThat(five.mean()).isCloseTo(5.3999999999999995, within(1e-15));
    assertThat(five.std()).isCloseTo(3.4859240764346358, within(1e-15));
    // np.quantile(v, np.arange(7) / 6)
    assertThat(QuantileSketch.of(TWELVE, 7).quantiles())
        .containsExactly(
            0.3,
            2.1166666666666667,
            3.033333333333333,
            5.15,
            6.466666666666667,
            8.933333333333335,
            12.5);
    // Two points: the minimum and the maximum.
    assertThat(QuantileSketch.of(TWELVE, 2).quantiles()).containsExactly(0.3, 12.5);
    assertThat(QuantileSketch.of(TWELVE, QuantileSketch.DEFAULT_POINTS).quantiles()).hasSize(1001);
  }

  @Test
  void theCdfIsLinearBetweenQuantilesZeroBelowAndOneFromTheMaximum() {
    // (With 10 or more values per outer segment on average, count >= 31 here, the outer segments
    // would become exponential tails; see theCdfIsMonotoneAndItsTailsReachTheExtremes.)
    QuantileSketch sketch = new QuantileSketch(30, 3.75, 3, new double[] {0, 2, 3, 10});
    assertThat(sketch.cdf(-1)).isZero();
    assertThat(sketch.cdf(0)).isZero();
    assertThat(sketch.cdf(1)).isCloseTo(1.0 / 6, within(1e-15));
    assertThat(sketch.cdf(2)).isCloseTo(1.0 / 3, within(1e-15));
    assertThat(sketch.cdf(2.5)).isCloseTo(0.5, within(1e-15));
    assertThat(sketch.cdf(6.5)).isCloseTo(5.0 / 6, within(1e-15));
    assertThat(sketch.cdf(10)).isEqualTo(1.0);
    assertThat(sketch.cdf(1e9)).isEqualTo(1.0);
    assertThat(sketch.cdf(Double.NaN)).isNaN();
  }

  @Test
  void runsOfEqualQuantilesArePointMasses() {
    // 10% at 0, then linear: the CDF jumps from 0 to 0.1 at 0 (runs of 0 up to level 0.1).
    double[] q = new double[11];
    for (int i = 2; i < 11; i++) {
      q[i] = i - 1;
    }
    QuantileSketch zeros = new QuantileSketch(50, 4, 3, q);
    assertThat(zeros.cdf(-1e-9)).isZero();
    assertThat(zeros.cdf(0)).isCloseTo(0.1, within(1e-15));
    assertThat(zeros.cdf(0.5)).isCloseTo(0.15, within(1e-15));
    // A constant sample: 0 below, 1 from the value.
    QuantileSketch constant = QuantileSketch.of(new double[] {7, 7, 7}, 101);
    assertThat(constant.cdf(6.999)).isZero();
    assertThat(constant.cdf(7)).isEqualTo(1.0);
  }

  @Test
  void aQuantileInsideOneInterpolationStepRevealsTheExactCdfOfIntegerData() {
    // Five 1s and five 2s; 5 points at levels 0, .25, .5, .75, 1 have the virtual indices 0, 2.25,
    // 4.5, 6.75 and 9, so the quantiles are 1, 1, 1.5, 2, 2. The 1.5 lies on the step from index 4
    // (the last 1) to index 5: the CDF is 5 / 10 on [1, 2), exactly the sample's.
    double[] values = {2, 1, 2, 2, 1, 2, 1, 2, 1, 1};
    QuantileSketch sketch = QuantileSketch.of(values, 5);
    assertThat(sketch.quantiles()).containsExactly(1.0, 1.0, 1.5, 2.0, 2.0);
    assertThat(sketch.cdf(0.99)).isZero();
    assertThat(sketch.cdf(1)).isEqualTo(0.5);
    assertThat(sketch.cdf(1.5)).isEqualTo(0.5);
    assertThat(sketch.cdf(1.99)).isEqualTo(0.5);
    assertThat(sketch.cdf(2)).isEqualTo(1.0);
    // The line through (1, 0.25), (1.5, 0.5), (2, 0.75) would be off by 0.25 at 1 and below 2.
    assertThat(KolmogorovSmirnov.fromSketch(sketch, values).statistic()).isZero();
  }

  @Test
  void adjacentRunsSplitTheLevelBetweenThem() {
    // Runs of 0 (levels 0..0.4) and 1 (levels 0.6..1) with nothing between at 0.5: the sample
    // steps from 0 to 1 between levels 0.4 and 0.6; the CDF holds 0.5 on [0, 1).
    QuantileSketch sketch = new QuantileSketch(10_000, 0.5, 0.5, new double[] {0, 0, 0, 1, 1, 1});
    assertThat(sketch.cdf(0)).isCloseTo(0.5, within(1e-15));
    assertThat(sketch.cdf(0.7)).isCloseTo(0.5, within(1e-15));
    assertThat(sketch.cdf(1)).isEqualTo(1.0);
  }

  @Test
  void integerDataWithTiesKeepsItsCdfAtItsValuesWithinHalfALevel() {
    Random random = new Random(11);
    double[] values = new double[200_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.floor(-Math.log(1 - random.nextDouble()) * 3); // geometric, many ties
    }
    QuantileSketch sketch = QuantileSketch.of(values, QuantileSketch.DEFAULT_POINTS);
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    for (int v = 0; v <= 40; v++) {
      int below = 0;
      while (below < sorted.length && sorted[below] <= v) {
        below++;
      }
      double f = (double) below / sorted.length;
      // Values held by at least two levels' worth of the sample are runs: within half a level.
      // Above, where values are rarer than a level, within one level.
      double tolerance = f < 0.99 ? 0.5 / 1000 : 1.0 / 1000;
      assertThat(sketch.cdf(v)).as("F(%d)", v).isCloseTo(f, within(tolerance + 1e-12));
    }
  }

  @Test
  void theCdfIsMonotoneAndItsTailsReachTheExtremes() {
    Random random = new Random(5);
    double[] values = new double[100_000];
    for (int i = 0; i < values.length; i++) {
      values[i] = Math.exp(random.nextGaussian());
    }
    QuantileSketch sketch = QuantileSketch.of(values, QuantileSketch.DEFAULT_POINTS);
    double[] q = sketch.quantiles();
    double previous = 0;
    for (int i = 0; i <= 100_000; i++) {
      double x = q[0] + (q[1000] - q[0]) * Math.pow(i / 100_000.0, 3);
      double f = sketch.cdf(x);
      assertThat(f).isBetween(previous, 1.0);
      previous = f;
    }
    // The quantiles keep their levels: F(q[i]) = i / 1000.
    for (int i = 1; i < 1000; i++) {
      assertThat(sketch.cdf(q[i])).isCloseTo(i / 1000.0, within(1e-12));
    }
    // In the upper tail (the last 0.1%, from about 22 to about 90) most mass sits near its start,
    // where the straight line would put it evenly: F halfway is well above 0.9995.
    assertThat(sketch.cdf((q[999] + q[1000]) / 2)).isGreaterThan(0.9998);
  }

  @Test
  void theRecordKeepsItsOwnQuantilesAndComparesByContent() {
    double[] q = {1, 2, 3};
    QuantileSketch sketch = new QuantileSketch(3, 2, 0.8, q);
    q[0] = -100;
    assertThat(sketch.quantiles()).containsExactly(1.0, 2.0, 3.0);
    sketch.quantiles()[1] = 50;
    assertThat(sketch.quantiles()).containsExactly(1.0, 2.0, 3.0);
    assertThat(sketch).isEqualTo(new QuantileSketch(3, 2, 0.8, new double[] {1, 2, 3}));
    assertThat(sketch.hashCode())
        .isEqualTo(new QuantileSketch(3, 2, 0.8, new double[] {1, 2, 3}).hashCode());
    assertThat(sketch).isNotEqualTo(new QuantileSketch(4, 2, 0.8, new double[] {1, 2, 3}));
    // Stored as JSON by its record components, which are all it holds.
    assertThat(
            Arrays.stream(QuantileSketch.class.getRecordComponents()).map(RecordComponent::getName))
        .containsExactly("count", "mean", "std", "quantiles");
  }

  @Test
  void invalidSketchesAreRefusedWithAReason() {
    assertThatThrownBy(() -> QuantileSketch.of(new double[] {1, 2}, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a sketch needs at least 2 points (the minimum and the maximum), got 1");
    assertThatThrownBy(() -> QuantileSketch.of(new double[] {Double.NaN}, 11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("values holds no number (1 values, all NaN or none)");
    assertThatThrownBy(() -> QuantileSketch.of(new double[] {1, Double.NEGATIVE_INFINITY}, 11))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("values[1] is -Infinity; values must be finite");
    assertThatThrownBy(() -> new QuantileSketch(0, 0, 0, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a sketch summarises at least 1 value, but count is 0");
    assertThatThrownBy(() -> new QuantileSketch(5, 0, 0, new double[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 quantiles");
    assertThatThrownBy(() -> new QuantileSketch(5, 0, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 quantiles");
    assertThatThrownBy(() -> new QuantileSketch(5, 0, 0, new double[] {1, 3, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quantiles must be ascending, but quantiles[2] = 2.0 follows 3.0");
    assertThatThrownBy(() -> new QuantileSketch(5, 0, 0, new double[] {1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("quantiles[1] is NaN; quantiles must be finite");
    assertThatThrownBy(() -> new QuantileSketch(5, 0, -1, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("std must be finite and not negative, but is -1.0");
    assertThatThrownBy(() -> new QuantileSketch(5, Double.NaN, 1, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("mean must be finite, but is NaN");
  }
}
