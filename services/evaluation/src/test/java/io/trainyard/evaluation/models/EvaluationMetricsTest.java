package io.trainyard.evaluation.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The figures a binary evaluation reports, against scikit-learn 1.2.1's values. */
class EvaluationMetricsTest {

  @Test
  void aBinaryEvaluationReportsScikitLearnsFigures() {
    // sklearn: y = [1,1,1,1,0,0,0,0,0,0], s = [.9,.8,.3,.6,.7,.2,.1,.4,.55,.05], y_pred = s >= .5
    String[] actual = {"y", "y", "y", "y", "n", "n", "n", "n", "n", "n"};
    double[] scores = {0.9, 0.8, 0.3, 0.6, 0.7, 0.2, 0.1, 0.4, 0.55, 0.05};
    String[] predicted = new String[scores.length];
    for (int i = 0; i < scores.length; i++) {
      predicted[i] = scores[i] >= 0.5 ? "y" : "n";
    }
    EvaluationService.Scored scored =
        new EvaluationService.Scored(new long[scores.length], actual, predicted, scores, "y");
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, String> undefined = new LinkedHashMap<>();
    EvaluationService.metrics(scored, metrics, undefined);

    assertThat(undefined).isEmpty();
    assertThat(metrics.get("accuracy")).isCloseTo(0.7, within(1e-9));
    assertThat(metrics.get("balanced_accuracy")).isCloseTo(0.7083333333333333, within(1e-9));
    assertThat(metrics.get("precision_macro")).isCloseTo(0.7, within(1e-9));
    assertThat(metrics.get("recall_macro")).isCloseTo(0.7083333333333333, within(1e-9));
    assertThat(metrics.get("f1_macro")).isCloseTo(0.6969696969696968, within(1e-9));
    assertThat(metrics.get("f1_micro")).isCloseTo(0.7, within(1e-9));
    assertThat(metrics.get("precision_weighted")).isCloseTo(0.7200000000000001, within(1e-9));
    assertThat(metrics.get("f1_weighted")).isCloseTo(0.7030303030303029, within(1e-9));
    assertThat(metrics.get("average_precision")).isCloseTo(0.8303571428571428, within(1e-9));
    assertThat(metrics.get("brier_score")).isCloseTo(0.17049999999999998, within(1e-9));
    assertThat(metrics.get("best_f1_threshold")).isEqualTo(0.6);
    assertThat(metrics).containsKeys("roc_auc", "log_loss", "ece", "precision", "recall", "f1");
  }

  @Test
  void thePrimaryMetricGetsAReproducibleBootstrapInterval() {
    java.util.Random random = new java.util.Random(5);
    int n = 400;
    String[] actual = new String[n];
    String[] predicted = new String[n];
    double[] scores = new double[n];
    for (int i = 0; i < n; i++) {
      boolean positive = random.nextBoolean();
      actual[i] = positive ? "y" : "n";
      scores[i] = Math.min(1, Math.max(0, (positive ? 0.65 : 0.35) + 0.25 * random.nextGaussian()));
      predicted[i] = scores[i] >= 0.5 ? "y" : "n";
    }
    EvaluationService.Scored scored =
        new EvaluationService.Scored(new long[n], actual, predicted, scores, "y");
    Map<String, Double> metrics = new LinkedHashMap<>();
    EvaluationService.metrics(scored, metrics, new LinkedHashMap<>());
    Map<String, io.trainyard.contracts.events.ModelEvaluated.Interval> first =
        EvaluationService.interval(scored, "roc_auc", metrics);
    assertThat(EvaluationService.interval(scored, "roc_auc", metrics)).isEqualTo(first);
    var interval = first.get("roc_auc");
    assertThat(interval.low()).isLessThan(metrics.get("roc_auc"));
    assertThat(interval.high()).isGreaterThan(metrics.get("roc_auc"));
    assertThat(interval.level()).isEqualTo(0.95);
    assertThat(interval.method()).isEqualTo("percentile-bootstrap");
    assertThat(interval.resamples()).isEqualTo(1000);
    // A primary metric evaluation does not compute has no interval.
    assertThat(EvaluationService.interval(scored, "ndcg_at_k", metrics)).isEmpty();
  }
}
