package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {

  @Test
  void theIntervalIsReproducibleFromTheSeedAndHoldsTheEstimate() {
    Random random = new Random(1);
    int n = 2000;
    int[] y = new int[n];
    int[] yPred = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = random.nextInt(2);
      yPred[i] = random.nextDouble() < 0.8 ? y[i] : 1 - y[i];
    }
    Bootstrap.Interval a = Bootstrap.interval(n, 500, 0.95, 7, s -> accuracy(y, yPred, s));
    Bootstrap.Interval b = Bootstrap.interval(n, 500, 0.95, 7, s -> accuracy(y, yPred, s));
    Bootstrap.Interval other = Bootstrap.interval(n, 500, 0.95, 8, s -> accuracy(y, yPred, s));
    assertThat(b).isEqualTo(a);
    assertThat(other).isNotEqualTo(a);
    double estimate = BinaryMetrics.accuracy(y, yPred);
    assertThat(a.low()).isLessThan(estimate);
    assertThat(a.high()).isGreaterThan(estimate);
    // The binomial standard error is sqrt(0.8 * 0.2 / 2000) = 0.0089: the 95 % interval is about
    // ±1.96 of it wide on each side.
    assertThat(a.high() - a.low()).isBetween(2 * 1.96 * 0.0089 * 0.8, 2 * 1.96 * 0.0089 * 1.2);
    assertThat(a.undefined()).isZero();
  }

  @Test
  void allCorrectPredictionsGiveAPointAndUndefinedResamplesAreCounted() {
    int[] y = {0, 1, 1, 0, 1};
    Bootstrap.Interval exact = Bootstrap.interval(5, 200, 0.95, 1, s -> accuracy(y, y, s));
    assertThat(exact.low()).isEqualTo(1.0);
    assertThat(exact.high()).isEqualTo(1.0);
    // ROC AUC on 2 rows: undefined whenever a resample holds one class.
    int[] two = {0, 1};
    double[] scores = {0.2, 0.7};
    Bootstrap.Interval auc =
        Bootstrap.interval(
            2, 400, 0.95, 3, s -> BinaryMetrics.rocAuc(pick(two, s), pickScores(scores, s)));
    assertThat(auc.undefined()).isBetween(120, 280); // half of the resamples, give or take
    assertThat(auc.low()).isEqualTo(1.0);
    assertThatThrownBy(
            () ->
                Bootstrap.interval(
                    1, 10, 0.95, 3, s -> BinaryMetrics.rocAuc(new int[] {1}, new double[] {1})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("undefined on every bootstrap resample");
  }

  private static double accuracy(int[] y, int[] yPred, int[] sample) {
    return BinaryMetrics.accuracy(pick(y, sample), pick(yPred, sample));
  }

  private static int[] pick(int[] values, int[] sample) {
    int[] out = new int[sample.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[sample[i]];
    }
    return out;
  }

  private static double[] pickScores(double[] values, int[] sample) {
    double[] out = new double[sample.length];
    for (int i = 0; i < out.length; i++) {
      out[i] = values[sample[i]];
    }
    return out;
  }
}
