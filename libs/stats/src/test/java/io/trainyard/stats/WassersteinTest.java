package io.trainyard.stats;

import static io.trainyard.stats.DriftFixtures.affine;
import static io.trainyard.stats.DriftFixtures.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.stats.DriftFixtures.Current;
import io.trainyard.stats.DriftFixtures.Reference;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@link Wasserstein} against {@code scipy.stats.wasserstein_distance} of SciPy 1.10.1 and
 * Evidently's normed distance, to 1e-12 (values printed by {@code
 * src/test/resources/drift_reference.py}).
 */
class WassersteinTest {

  private static final Offset<Double> E = within(1e-12);

  @Test
  void distanceIsScipys() {
    // wasserstein_distance([0, 1, 3], [5, 6, 8])
    assertThat(Wasserstein.distance(new double[] {0, 1, 3}, new double[] {5, 6, 8}))
        .isCloseTo(5.0, E);
    // wasserstein_distance([3.4, 3.9, 7.5, 7.8, 1.2, 3.4], [4.5, 1.4, 3.4, 9.9])
    double[] u = {3.4, 3.9, 7.5, 7.8, 1.2, 3.4};
    double[] v = {4.5, 1.4, 3.4, 9.9};
    assertThat(Wasserstein.distance(u, v)).isCloseTo(1.1000000000000003, E);
    assertThat(Wasserstein.distance(v, u)).isCloseTo(1.1000000000000003, E);
    // wasserstein_distance(uniform(21, 1000) * 4 - 1, uniform(22, 700) * 3.5)
    double[] a = affine(uniform(21, 1000), 4, -1);
    double[] b = affine(uniform(22, 700), 3.5, 0);
    assertThat(Wasserstein.distance(a, b)).isCloseTo(0.7747413433960569, E);
    assertThat(Wasserstein.distance(a, a.clone())).isZero();
  }

  @Test
  void normalizedIsEvidentlysNormedDistance() {
    // wasserstein_distance(u, v) / max(np.std(u), 0.001)
    double[] u = {3.4, 3.9, 7.5, 7.8, 1.2, 3.4};
    double[] v = {4.5, 1.4, 3.4, 9.9};
    assertThat(Wasserstein.normalized(u, v)).isCloseTo(0.46515797871468506, E);
    double[] a = affine(uniform(21, 1000), 4, -1);
    double[] b = affine(uniform(22, 700), 3.5, 0);
    assertThat(Wasserstein.normalized(a, b)).isCloseTo(0.6716665730038801, E);
    // A constant reference: the standard deviation is floored at 0.001.
    // wasserstein_distance([2.5] * 10, [2.5, 2.6]) / max(0.0, 0.001)
    double[] constant = {2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5};
    assertThat(Wasserstein.normalized(constant, new double[] {2.5, 2.6}))
        .isCloseTo(50.00000000000004, within(1e-9));
    // From a sketch: the sketch's distance over its std.
    QuantileSketch sketch = QuantileSketch.of(a, QuantileSketch.DEFAULT_POINTS);
    assertThat(Wasserstein.normalized(sketch, b))
        .isEqualTo(Wasserstein.distance(sketch, b) / sketch.std());
  }

  @Test
  void nanValuesAreIgnoredAndInfiniteOnesRefused() {
    double[] u = {3.4, Double.NaN, 3.9, 7.5, 7.8, 1.2, 3.4};
    double[] v = {4.5, 1.4, Double.NaN, 3.4, 9.9};
    assertThat(Wasserstein.distance(u, v)).isCloseTo(1.1000000000000003, E);
    assertThatThrownBy(() -> Wasserstein.distance(new double[] {1, Double.POSITIVE_INFINITY}, v))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("u[1] is Infinity; u must be finite");
    assertThatThrownBy(() -> Wasserstein.distance(u, new double[] {Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("v holds no number (1 values, all NaN or none)");
    assertThatThrownBy(() -> Wasserstein.normalized((double[]) null, v))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reference is null");
    assertThatThrownBy(() -> Wasserstein.distance((QuantileSketch) null, v))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("u must not be null");
  }

  @Test
  void theSketchIntegralIsExact() {
    // Uniform on [0, 1] (2 quantiles): against {0.5}, ∫_0^0.5 x dx + ∫_0.5^1 (1 - x) dx = 0.25;
    // against {0, 1}, ∫_0^1 |x - 0.5| dx = 0.25; against {2}, ∫_0^1 x dx + (2 - 1) = 1.5.
    QuantileSketch uniform = new QuantileSketch(3, 0.5, Math.sqrt(1.0 / 12), new double[] {0, 1});
    assertThat(Wasserstein.distance(uniform, new double[] {0.5})).isCloseTo(0.25, E);
    assertThat(Wasserstein.distance(uniform, new double[] {0, 1})).isCloseTo(0.25, E);
    assertThat(Wasserstein.distance(uniform, new double[] {2})).isCloseTo(1.5, E);
    // A point mass: 10 values of 3 (all quantiles 3) against {1, 5}: 2 * 0.5 + 2 * 0.5 = 2.
    QuantileSketch constant = QuantileSketch.of(new double[] {3, 3, 3, 3, 3, 3, 3, 3, 3, 3}, 11);
    assertThat(Wasserstein.distance(constant, new double[] {1, 5})).isCloseTo(2.0, E);
    assertThat(Wasserstein.distance(constant, new double[] {3})).isZero();
  }

  /**
   * Against {@code wasserstein_distance} on the raw reference ({@link DriftFixtures#references}:
   * normal, lognormal, bimodal and Poisson references of 100,000 and 1,000,000 values; currents of
   * 1,000 and 100,000 values shifted by 0, 0.1 and 0.5 standard deviations): within 1% for every
   * shifted current (measured worst: 0.66%, lognormal; 0.27% Poisson; 0.02% normal and bimodal),
   * and within 0.002 reference standard deviations in every case (measured worst: 0.0014, Poisson
   * unshifted). For an unshifted current the distance itself is only a few thousandths of a
   * standard deviation, so the relative error reaches 11% (Poisson) and 4.5% (lognormal) there.
   */
  @Test
  void theSketchDistanceIsCloseToTheRawSampleOne() {
    for (Reference reference : DriftFixtures.references()) {
      double std = reference.sketch().std();
      for (Current current : reference.currents()) {
        double raw = Wasserstein.distance(reference.sorted(), current.values());
        double sketched = Wasserstein.distance(reference.sketch(), current.values());
        String label =
            String.format(
                "%s of %d against %d values shifted by %s",
                reference.name(), reference.sorted().length, current.size(), current.shift());
        assertThat(Math.abs(sketched - raw) / std).as(label).isLessThanOrEqualTo(0.002);
        if (current.shift() > 0) {
          assertThat(Math.abs(sketched - raw) / raw).as(label).isLessThanOrEqualTo(0.01);
        }
        assertThat(Wasserstein.normalized(reference.sketch(), current.values()))
            .isCloseTo(Wasserstein.normalized(reference.sorted(), current.values()), within(0.002));
      }
    }
  }
}
