package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * Expected values: the examples of scikit-learn's documentation, and values computed with numpy by
 * scikit-learn's formula (clip to [eps, 1 - eps], divide each row by its sum, mean of -log of the
 * true class) — the numpy call is next to each value.
 */
class MulticlassMetricsTest {

  private static final double TOL = 1e-12;

  @Test
  void accuracyMatchesTheSklearnDocsExample() {
    // accuracy_score([0, 1, 2, 3], [0, 2, 1, 3]) == 0.5 (scikit-learn docs)
    assertThat(MulticlassMetrics.accuracy(new int[] {0, 1, 2, 3}, new int[] {0, 2, 1, 3}))
        .isEqualTo(0.5);
    assertThat(MulticlassMetrics.accuracy(new int[] {4, 4, 1}, new int[] {4, 4, 1})).isEqualTo(1.0);
  }

  @Test
  void logLossMatchesTheSklearnDocsExampleWithTwoClasses() {
    // log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
    // == 0.21616... (scikit-learn docs; ham = 0, spam = 1)
    double[][] p = {{.1, .9}, {.9, .1}, {.8, .2}, {.35, .65}};
    assertThat(MulticlassMetrics.logLoss(new int[] {1, 0, 0, 1}, p))
        .isCloseTo(0.21616187468057912, within(TOL));
    // and agrees with the binary log loss on P(class 1)
    assertThat(MulticlassMetrics.logLoss(new int[] {1, 0, 0, 1}, p))
        .isCloseTo(
            BinaryMetrics.logLoss(new int[] {1, 0, 0, 1}, new double[] {.9, .1, .2, .65}),
            within(TOL));
  }

  @Test
  void logLossOfThreeClasses() {
    int[] y = {0, 1, 2, 2, 1};
    double[][] p = {
      {0.7, 0.2, 0.1}, {0.1, 0.8, 0.1}, {0.2, 0.2, 0.6}, {0.0, 0.5, 0.5}, {0.25, 0.25, 0.5}
    };
    // -(ln .7 + ln .8 + ln .6 + ln .5 + ln .25) / 5, by hand; numpy gives 0.6340171321397537
    double byHand =
        -(Math.log(.7) + Math.log(.8) + Math.log(.6) + Math.log(.5) + Math.log(.25)) / 5;
    assertThat(MulticlassMetrics.logLoss(y, p)).isCloseTo(byHand, within(1e-15));
    assertThat(MulticlassMetrics.logLoss(y, p)).isCloseTo(0.6340171321397537, within(TOL));
  }

  @Test
  void aZeroProbabilityOfTheTrueClassIsClippedToEps() {
    // p = np.clip([[1, 0, 0]] * 2, eps, 1 - eps); p /= p.sum(1); -mean(log(p[[0, 1], [2, 0]]))
    // == 18.021826694558577 (eps = np.finfo(float64).eps)
    double[][] p = {{1, 0, 0}, {1, 0, 0}};
    assertThat(MulticlassMetrics.logLoss(new int[] {2, 0}, p))
        .isCloseTo(18.021826694558577, within(1e-9));
  }

  @Test
  void invalidArgumentsAreNamed() {
    assertThatThrownBy(
            () -> MulticlassMetrics.logLoss(new int[] {3}, new double[][] {{0.2, 0.3, 0.5}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("yTrue[0] is 3, expected a class in [0, 3)");
    assertThatThrownBy(
            () ->
                MulticlassMetrics.logLoss(new int[] {0, 1}, new double[][] {{0.5, 0.5}, {1.2, 0}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probabilities[1][0] is 1.2");
    assertThatThrownBy(
            () -> MulticlassMetrics.logLoss(new int[] {0, 1}, new double[][] {{0.5, 0.5}, {1}}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("probabilities[1] must have 2 columns");
    assertThatThrownBy(() -> MulticlassMetrics.accuracy(new int[] {0}, new int[] {0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("yPred has 2 elements");
    assertThatThrownBy(() -> MulticlassMetrics.accuracy(new int[] {}, new int[] {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("yTrue must not be empty");
    assertThatThrownBy(() -> MulticlassMetrics.accuracy(new int[] {0}, new int[] {-1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("yPred[0] is -1");
  }
}
