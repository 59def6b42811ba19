package io.trainyard.labeling.projects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Against scipy 1.10.1's {@code scipy.stats.entropy(p)} and the definitions in Settles (2009). */
class UncertaintyTest {

  private static final double E = 1e-12;

  @Test
  void theThreeMeasuresMatchTheirDefinitions() {
    double[] p = {0.7, 0.2, 0.1};
    assertThat(Uncertainty.of("least-confidence", p)).isCloseTo(0.3, within(E));
    assertThat(Uncertainty.of("margin", p)).isCloseTo(0.5, within(E));
    // entropy([0.7, 0.2, 0.1]) = 0.8018185525433373
    assertThat(Uncertainty.of("entropy", p)).isCloseTo(0.8018185525433373, within(E));
    // entropy([0.5, 0.5]) = 0.6931471805599453; entropy([1, 0]) = 0.0
    assertThat(Uncertainty.of("entropy", new double[] {0.5, 0.5}))
        .isCloseTo(0.6931471805599453, within(E));
    assertThat(Uncertainty.of("entropy", new double[] {1, 0})).isZero();
    assertThat(Uncertainty.of("entropy", new double[] {0.25, 0.25, 0.25, 0.25}))
        .isCloseTo(1.3862943611198906, within(E));
    // a sure prediction is the least uncertain under every measure
    assertThat(Uncertainty.of("margin", new double[] {0, 1})).isZero();
    assertThat(Uncertainty.of("least-confidence", new double[] {0, 1})).isZero();
    assertThat(Uncertainty.of("margin", new double[] {0.5, 0.5})).isEqualTo(1.0);
  }

  @Test
  void anUnknownMeasureIsRefused() {
    assertThatThrownBy(() -> Uncertainty.of("vibes", new double[] {1}))
        .hasMessage("unknown uncertainty measure 'vibes'");
  }
}
