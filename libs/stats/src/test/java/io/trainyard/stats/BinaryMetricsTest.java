package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Expected values come from scikit-learn 1.2.1 (python3-sklearn, Debian bookworm), computed offline
 * with the calls shown next to each fixture; they are hard-coded so the tests need no Python.
 */
class BinaryMetricsTest {

  private static final double TOL = 1e-12;

  /** Balanced classes, tied scores across classes (0.4 x3, 0.35 x2). */
  @Nested
  class BalancedWithTies {
    final int[] y = {0, 0, 1, 1, 0, 1, 0, 1, 1, 0};
    final int[] pred = {0, 1, 1, 1, 0, 0, 0, 1, 1, 1};
    final double[] s = {0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.35, 0.6};

    @Test
    void matchesSklearn() {
      // accuracy_score(y, pred)
      assertThat(BinaryMetrics.accuracy(y, pred)).isCloseTo(0.7, within(TOL));
      // precision_score(y, pred, pos_label=1, average='binary', zero_division=0)
      assertThat(BinaryMetrics.precision(y, pred)).isCloseTo(0.6666666666666666, within(TOL));
      // recall_score(y, pred, pos_label=1, average='binary', zero_division=0)
      assertThat(BinaryMetrics.recall(y, pred)).isCloseTo(0.8, within(TOL));
      // f1_score(y, pred, pos_label=1, average='binary', zero_division=0)
      assertThat(BinaryMetrics.f1(y, pred)).isCloseTo(0.7272727272727272, within(TOL));
      // roc_auc_score(y, s)
      assertThat(BinaryMetrics.rocAuc(y, s)).isCloseTo(0.68, within(TOL));
      // log_loss(y, s)
      assertThat(BinaryMetrics.logLoss(y, s)).isCloseTo(0.5610885094221719, within(TOL));
      // confusion_matrix(y, pred, labels=[0, 1])
      assertThat(BinaryMetrics.confusionMatrix(y, pred))
          .isDeepEqualTo(new long[][] {{3, 2}, {1, 4}});
    }
  }

  /** Nothing predicted positive: precision and F1 hit zero_division; all scores tied. */
  @Nested
  class AllNegativePredictions {
    final int[] y = {0, 1, 0, 1, 1, 0, 0};
    final int[] pred = {0, 0, 0, 0, 0, 0, 0};
    final double[] s = {0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3};
    final double[] p = {0.0, 1.0, 0.2, 0.7, 0.55, 0.1, 0.45};

    @Test
    void matchesSklearn() {
      // accuracy_score(y, pred)
      assertThat(BinaryMetrics.accuracy(y, pred)).isCloseTo(0.5714285714285714, within(TOL));
      // precision_score(..., zero_division=0) -> 0.0 (sklearn warns, returns 0)
      assertThat(BinaryMetrics.precision(y, pred)).isEqualTo(0.0);
      // recall_score(...) -> 0.0
      assertThat(BinaryMetrics.recall(y, pred)).isEqualTo(0.0);
      // f1_score(..., zero_division=0) -> 0.0
      assertThat(BinaryMetrics.f1(y, pred)).isEqualTo(0.0);
      // roc_auc_score(y, s): every score tied -> 0.5
      assertThat(BinaryMetrics.rocAuc(y, s)).isCloseTo(0.5, within(TOL));
      // log_loss(y, p): p holds exact 0 and 1 (clipped)
      assertThat(BinaryMetrics.logLoss(y, p)).isCloseTo(0.2686932874888585, within(TOL));
      // confusion_matrix(y, pred, labels=[0, 1])
      assertThat(BinaryMetrics.confusionMatrix(y, pred))
          .isDeepEqualTo(new long[][] {{4, 0}, {3, 0}});
    }
  }

  /** 3 positives in 20, ties in scores between the classes. */
  @Nested
  class Imbalanced {
    final int[] y = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1};
    final int[] pred = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1};
    final double[] s = {
      0.01, 0.02, 0.05, 0.05, 0.1, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.4, 0.5, 0.7, 0.5, 0.7,
      0.3, 0.95
    };
    final double[] p = {
      0.0, 0.02, 0.05, 0.05, 0.1, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.3, 0.3, 0.4, 0.5, 0.7, 0.5, 0.7,
      0.3, 1.0
    };

    @Test
    void matchesSklearn() {
      // accuracy_score(y, pred)
      assertThat(BinaryMetrics.accuracy(y, pred)).isCloseTo(0.9, within(TOL));
      // precision_score(y, pred, pos_label=1, average='binary', zero_division=0)
      assertThat(BinaryMetrics.precision(y, pred)).isCloseTo(0.6666666666666666, within(TOL));
      // recall_score(y, pred, pos_label=1, average='binary', zero_division=0)
      assertThat(BinaryMetrics.recall(y, pred)).isCloseTo(0.6666666666666666, within(TOL));
      // f1_score(y, pred, pos_label=1, average='binary', zero_division=0)
      assertThat(BinaryMetrics.f1(y, pred)).isCloseTo(0.6666666666666666, within(TOL));
      // roc_auc_score(y, s)
      assertThat(BinaryMetrics.rocAuc(y, s)).isCloseTo(0.8725490196078431, within(TOL));
      // log_loss(y, p)
      assertThat(BinaryMetrics.logLoss(y, p)).isCloseTo(0.3486799129462967, within(TOL));
      // confusion_matrix(y, pred, labels=[0, 1])
      assertThat(BinaryMetrics.confusionMatrix(y, pred))
          .isDeepEqualTo(new long[][] {{16, 1}, {1, 2}});
    }
  }

  @Test
  void rocAucOnAThousandGeneratedRowsWithManyTies() {
    // Python: n=1000; y=[1 if (i*i+3*i)%7<3 else 0 for i in range(n)]
    //         s=[((i*37+y[i]*13)%50)/50.0 for i in range(n)]; p=[((i*37+y[i]*13)%50)/49.0 ...]
    int n = 1000;
    int[] y = new int[n];
    double[] s = new double[n];
    double[] p = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = ((long) i * i + 3L * i) % 7 < 3 ? 1 : 0;
      s[i] = ((i * 37 + y[i] * 13) % 50) / 50.0;
      p[i] = ((i * 37 + y[i] * 13) % 50) / 49.0;
    }
    // roc_auc_score(y, s)
    assertThat(BinaryMetrics.rocAuc(y, s)).isCloseTo(0.5009255450431921, within(TOL));
    // log_loss(y, p)
    assertThat(BinaryMetrics.logLoss(y, p)).isCloseTo(1.6089783492402372, within(TOL));
  }

  @Test
  void rocAucExtremes() {
    // roc_auc_score([0,1,0,1],[0.1,0.9,0.2,0.8]) -> 1.0; reversed scores -> 0.0
    assertThat(BinaryMetrics.rocAuc(new int[] {0, 1, 0, 1}, new double[] {0.1, 0.9, 0.2, 0.8}))
        .isEqualTo(1.0);
    assertThat(BinaryMetrics.rocAuc(new int[] {0, 1, 0, 1}, new double[] {0.9, 0.1, 0.8, 0.2}))
        .isEqualTo(0.0);
  }

  @Test
  void rocAucRejectsASingleClass() {
    assertThatThrownBy(() -> BinaryMetrics.rocAuc(new int[] {1, 1}, new double[] {0.2, 0.4}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("roc_auc is undefined: only one class present in y_true");
  }

  @Test
  void logLossClipsConfidentMistakesAtFloat64Epsilon() {
    // log_loss([1,0],[0.0,1.0]) = -log(eps) with eps = np.finfo(np.float64).eps
    assertThat(BinaryMetrics.logLoss(new int[] {1, 0}, new double[] {0.0, 1.0}))
        .isCloseTo(36.04365338911715, within(TOL));
    // log_loss([1,0,1],[0.0,0.5,1.0])
    assertThat(BinaryMetrics.logLoss(new int[] {1, 0, 1}, new double[] {0.0, 0.5, 1.0}))
        .isCloseTo(12.245600189892366, within(TOL));
  }

  @Test
  void logLossWithOneClassAssumesLabelsZeroAndOne() {
    // log_loss([0,0,0],[0.1,0.2,0.0], labels=[0,1])
    assertThat(BinaryMetrics.logLoss(new int[] {0, 0, 0}, new double[] {0.1, 0.2, 0.0}))
        .isCloseTo(0.10950135565734541, within(TOL));
  }

  @Test
  void noPositivesAnywhereGivesZeroDivisionZeros() {
    int[] zeros = {0, 0, 0};
    // precision_score/recall_score/f1_score([0,0,0],[0,0,0], zero_division=0) -> 0.0; accuracy 1.0
    assertThat(BinaryMetrics.precision(zeros, zeros)).isEqualTo(0.0);
    assertThat(BinaryMetrics.recall(zeros, zeros)).isEqualTo(0.0);
    assertThat(BinaryMetrics.f1(zeros, zeros)).isEqualTo(0.0);
    assertThat(BinaryMetrics.accuracy(zeros, zeros)).isEqualTo(1.0);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> BinaryMetrics.accuracy(new int[] {0, 1}, new int[] {0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length")
        .hasMessageContaining("2 and 1");
    assertThatThrownBy(() -> BinaryMetrics.f1(new int[0], new int[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> BinaryMetrics.precision(new int[] {0, 2}, new int[] {0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("yTrue")
        .hasMessageContaining("element 1 is 2");
    assertThatThrownBy(() -> BinaryMetrics.recall(new int[] {0, 1}, new int[] {-1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("yPred");
    assertThatThrownBy(() -> BinaryMetrics.rocAuc(new int[] {0, 1}, new double[] {0.1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(
            () ->
                BinaryMetrics.logLoss(
                    new int[] {0, 1}, new double[] {0.1, Double.POSITIVE_INFINITY}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> BinaryMetrics.logLoss(new int[] {0, 1}, new double[] {0.1, 1.5}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> BinaryMetrics.confusionMatrix(null, new int[] {1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("yTrue must not be null");
  }
}
