package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.stats.ClassificationMetrics.Average;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The metrics against scikit-learn 1.2.1's values (and the published formulas where it has none),
 * to 1e-9: the fixtures and the script that printed the expected values are in {@code
 * src/test/resources/sklearn_reference.py}.
 */
class MetricsReferenceTest {

  private static final Offset<Double> E = within(1e-9);

  // Binary: scores with ties, predictions at 0.5.
  private static final int[] Y = {0, 1, 1, 0, 1, 0, 0, 1, 1, 0, 1, 0};
  private static final double[] S = {
    0.1, 0.8, 0.65, 0.3, 0.65, 0.7, 0.2, 0.9, 0.4, 0.3, 0.55, 0.05
  };

  // Multiclass, K = 3.
  private static final int[] YK = {0, 1, 2, 2, 1, 0, 2, 1, 0, 2, 1, 1};
  private static final double[][] PK = {
    {0.7, 0.2, 0.1}, {0.1, 0.6, 0.3}, {0.2, 0.2, 0.6}, {0.3, 0.4, 0.3},
    {0.5, 0.4, 0.1}, {0.6, 0.3, 0.1}, {0.1, 0.1, 0.8}, {0.2, 0.5, 0.3},
    {0.4, 0.35, 0.25}, {0.25, 0.25, 0.5}, {0.3, 0.3, 0.4}, {0.05, 0.9, 0.05}
  };

  private static int[] predictions(double[] scores) {
    int[] p = new int[scores.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = scores[i] >= 0.5 ? 1 : 0;
    }
    return p;
  }

  private static int[] argmax(double[][] proba) {
    int[] p = new int[proba.length];
    for (int i = 0; i < p.length; i++) {
      for (int c = 1; c < proba[i].length; c++) {
        if (proba[i][c] > proba[i][p[i]]) {
          p[i] = c;
        }
      }
    }
    return p;
  }

  @Test
  void binaryFiguresAreScikitLearns() {
    int[] yPred = predictions(S);
    assertThat(ClassificationMetrics.balancedAccuracy(Y, yPred)).isCloseTo(0.8333333333333334, E);
    assertThat(BinaryMetrics.averagePrecision(Y, S)).isCloseTo(0.8817460317460317, E);
    assertThat(BinaryMetrics.brierScore(Y, S)).isCloseTo(0.13166666666666665, E);
    assertThat(BinaryMetrics.bestF1Threshold(Y, S)).isEqualTo(0.4);
    double[][] rows = new double[S.length][];
    for (int i = 0; i < S.length; i++) {
      rows[i] = new double[] {1 - S[i], S[i]};
    }
    assertThat(ClassificationMetrics.ece(Y, rows, 15)).isCloseTo(0.13333333333333328, E);
    assertThatThrownBy(() -> BinaryMetrics.averagePrecision(new int[] {0, 0}, new double[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no positive");
  }

  @Test
  void multiclassFiguresAreScikitLearns() {
    int[] yPred = argmax(PK);
    assertThat(yPred).containsExactly(0, 1, 2, 1, 0, 0, 2, 1, 0, 2, 2, 1);
    assertThat(ClassificationMetrics.balancedAccuracy(YK, yPred)).isCloseTo(0.7833333333333333, E);
    assertThat(ClassificationMetrics.precision(YK, yPred, Average.MACRO)).isCloseTo(0.75, E);
    assertThat(ClassificationMetrics.recall(YK, yPred, Average.MACRO))
        .isCloseTo(0.7833333333333333, E);
    assertThat(ClassificationMetrics.f1(YK, yPred, Average.MACRO)).isCloseTo(0.7579365079365079, E);
    for (Average micro : new Average[] {Average.MICRO}) {
      assertThat(ClassificationMetrics.precision(YK, yPred, micro)).isCloseTo(0.75, E);
      assertThat(ClassificationMetrics.recall(YK, yPred, micro)).isCloseTo(0.75, E);
      assertThat(ClassificationMetrics.f1(YK, yPred, micro)).isCloseTo(0.75, E);
    }
    assertThat(ClassificationMetrics.precision(YK, yPred, Average.WEIGHTED)).isCloseTo(0.75, E);
    assertThat(ClassificationMetrics.recall(YK, yPred, Average.WEIGHTED)).isCloseTo(0.75, E);
    assertThat(ClassificationMetrics.f1(YK, yPred, Average.WEIGHTED))
        .isCloseTo(0.742063492063492, E);
    ClassificationMetrics.PerClass perClass = ClassificationMetrics.perClass(YK, yPred);
    assertThat(perClass.precision()).containsExactly(new double[] {0.75, 0.75, 0.75}, E);
    assertThat(perClass.recall()).containsExactly(new double[] {1.0, 0.6, 0.75}, E);
    assertThat(perClass.f1())
        .containsExactly(new double[] {0.8571428571428571, 0.6666666666666665, 0.75}, E);
    assertThat(ClassificationMetrics.rocAucOvr(YK, PK)).isCloseTo(0.9382495590828924, E);
    assertThat(ClassificationMetrics.averagePrecisionMacro(YK, PK))
        .isCloseTo(0.8981746031746031, E);
    assertThat(ClassificationMetrics.brierScore(YK, PK)).isCloseTo(0.3645833333333333, E);
    assertThat(ClassificationMetrics.ece(YK, PK, 15)).isCloseTo(0.20833333333333334, E);
    assertThat(ClassificationMetrics.confusionMatrix(YK, yPred, 3))
        .isDeepEqualTo(new long[][] {{3, 0, 0}, {1, 3, 1}, {0, 1, 3}});
  }

  @Test
  void aClassNeverPredictedCountsAsZeroAndAnAbsentClassMakesOneVsRestUndefined() {
    int[] y = {0, 0, 1, 1, 2, 2};
    int[] yPred = {0, 0, 1, 1, 1, 0};
    assertThat(ClassificationMetrics.precision(y, yPred, Average.MACRO))
        .isCloseTo(0.4444444444444444, E);
    assertThat(ClassificationMetrics.f1(y, yPred, Average.MACRO)).isCloseTo(0.5333333333333333, E);
    assertThat(ClassificationMetrics.f1(y, yPred, Average.WEIGHTED))
        .isCloseTo(0.5333333333333333, E);
    assertThat(ClassificationMetrics.balancedAccuracy(y, yPred)).isCloseTo(0.6666666666666666, E);
    double[][] proba = {{0.8, 0.1, 0.1}, {0.6, 0.3, 0.1}, {0.2, 0.7, 0.1}, {0.1, 0.8, 0.1}};
    assertThatThrownBy(() -> ClassificationMetrics.rocAucOvr(new int[] {0, 0, 1, 1}, proba))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class 2 of 3 does not occur in y_true");
  }

  @Test
  void regressionFiguresAreScikitLearns() {
    double[] y = {3.0, -0.5, 2.0, 7.0, 4.2, 1.5};
    double[] yPred = {2.5, 0.0, 2.1, 8.0, 4.0, 1.0};
    assertThat(RegressionMetrics.mape(y, yPred)).isCloseTo(0.2900793650793651, E);
    assertThat(RegressionMetrics.medianAbsoluteError(y, yPred)).isCloseTo(0.5, E);
    // A true 0 divides by machine epsilon, as scikit-learn does.
    assertThat(RegressionMetrics.mape(new double[] {0.0}, new double[] {1e-16}))
        .isCloseTo(1e-16 / Math.ulp(1.0), E);
  }

  @Test
  void rankingFiguresAreScikitLearnsAndThePublishedMrr() {
    double[][] relevance = {{3, 2, 3, 0, 1, 2}, {0, 0, 1}};
    double[][] scores = {{0.9, 0.8, 0.9, 0.1, 0.5, 0.3}, {0.2, 0.6, 0.4}};
    assertThat(RankingMetrics.ndcg(relevance, scores, 3)).isCloseTo(0.8154648767857289, E);
    assertThat(RankingMetrics.ndcg(relevance, scores, 0)).isCloseTo(0.812396414357939, E);
    assertThat(RankingMetrics.mrr(relevance, scores)).isCloseTo(0.75, E);
    // A query without a relevant document scores 0 on both.
    assertThat(RankingMetrics.ndcg(new double[][] {{0, 0}}, new double[][] {{1, 2}}, 0)).isZero();
    assertThat(RankingMetrics.mrr(new double[][] {{0, 0}}, new double[][] {{1, 2}})).isZero();
  }
}
