package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Expected values: the examples of scikit-learn's documentation of each function. */
class RegressionMetricsTest {

  private static final double TOL = 1e-12;
  private static final double[] Y_TRUE = {3, -0.5, 2, 7};
  private static final double[] Y_PRED = {2.5, 0.0, 2, 8};

  @Test
  void matchTheSklearnDocsExamples() {
    // mean_squared_error([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]) == 0.375
    assertThat(RegressionMetrics.mse(Y_TRUE, Y_PRED)).isCloseTo(0.375, within(TOL));
    // root_mean_squared_error(...) == 0.612...
    assertThat(RegressionMetrics.rmse(Y_TRUE, Y_PRED)).isCloseTo(0.6123724356957945, within(TOL));
    // mean_absolute_error(...) == 0.5
    assertThat(RegressionMetrics.mae(Y_TRUE, Y_PRED)).isCloseTo(0.5, within(TOL));
    // r2_score(...) == 0.948...
    assertThat(RegressionMetrics.r2(Y_TRUE, Y_PRED)).isCloseTo(0.9486081370449679, within(TOL));
  }

  @Test
  void r2FollowsSklearnForPerfectConstantAndWorseThanMeanPredictions() {
    // r2_score([1, 2, 3], [1, 2, 3]) == 1.0; r2_score([1, 2, 3], [2, 2, 2]) == 0.0;
    // r2_score([1, 2, 3], [3, 2, 1]) == -3.0
    assertThat(RegressionMetrics.r2(new double[] {1, 2, 3}, new double[] {1, 2, 3})).isEqualTo(1.0);
    assertThat(RegressionMetrics.r2(new double[] {1, 2, 3}, new double[] {2, 2, 2})).isEqualTo(0.0);
    assertThat(RegressionMetrics.r2(new double[] {1, 2, 3}, new double[] {3, 2, 1}))
        .isCloseTo(-3.0, within(TOL));
    // a constant y_true (force_finite=True): r2_score([-2, -2, -2], [-2, -2, -2]) == 1.0,
    // r2_score([-2, -2, -2], [-2, -2, -2 + 1e-8]) == 0.0
    assertThat(RegressionMetrics.r2(new double[] {-2, -2, -2}, new double[] {-2, -2, -2}))
        .isEqualTo(1.0);
    assertThat(RegressionMetrics.r2(new double[] {-2, -2, -2}, new double[] {-2, -2, -2 + 1e-8}))
        .isEqualTo(0.0);
  }

  @Test
  void invalidArgumentsAreNamed() {
    assertThatThrownBy(() -> RegressionMetrics.rmse(new double[] {1}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("yPred has 2 elements, yTrue has 1");
    assertThatThrownBy(
            () -> RegressionMetrics.mae(new double[] {1, Double.NaN}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("yTrue[1] is not finite: NaN");
    assertThatThrownBy(() -> RegressionMetrics.r2(new double[] {}, new double[] {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("yTrue must not be empty");
  }
}
