package io.trainyard.evaluation.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The figures an evaluation reports per task, against scikit-learn 1.2.1's values. */
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
    Scored scored =
        Scored.binary(new long[scores.length], actual, predicted, scores, List.of("n", "y"));
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, String> undefined = new LinkedHashMap<>();
    scored.metrics(metrics, undefined);

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
    // Per class (average=None): recall of "n" is 4/6, of "y" 3/4.
    assertThat(scored.perClass().get("n").get("recall")).isCloseTo(4.0 / 6, within(1e-9));
    assertThat(scored.perClass().get("y").get("recall")).isCloseTo(0.75, within(1e-9));
    assertThat(scored.perClass().get("y").get("support")).isEqualTo(4.0);
    assertThat(scored.confusionMatrix()).isDeepEqualTo(new long[][] {{4, 2}, {1, 3}});
  }

  /** sklearn 1.2.1: the values below, from the fixture in the comment. */
  @Test
  void aMulticlassEvaluationReportsScikitLearnsFigures() {
    // y = [0,1,2,2,1,0,2,1,0,2] as a,b,c; P below; y_pred = P.argmax(1) (first on a tie)
    double[][] p = {
      {.7, .2, .1}, {.2, .5, .3}, {.1, .2, .7}, {.3, .3, .4}, {.5, .4, .1},
      {.4, .4, .2}, {.2, .5, .3}, {.1, .8, .1}, {.6, .3, .1}, {.25, .25, .5}
    };
    String[] actual = {"a", "b", "c", "c", "b", "a", "c", "b", "a", "c"};
    String[] predicted = {"a", "b", "c", "c", "a", "a", "b", "b", "a", "c"};
    Scored scored = Scored.multiclass(new long[10], actual, predicted, p, List.of("a", "b", "c"));
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, String> undefined = new LinkedHashMap<>();
    scored.metrics(metrics, undefined);

    assertThat(undefined).isEmpty();
    assertThat(metrics.get("accuracy")).isCloseTo(0.8, within(1e-9));
    assertThat(metrics.get("balanced_accuracy")).isCloseTo(0.8055555555555555, within(1e-9));
    assertThat(metrics.get("f1_macro")).isCloseTo(0.7936507936507936, within(1e-9));
    assertThat(metrics.get("precision_weighted")).isCloseTo(0.825, within(1e-9));
    assertThat(metrics.get("roc_auc")).isCloseTo(0.9454365079365079, within(1e-9));
    assertThat(metrics.get("log_loss")).isCloseTo(0.6786458424025957, within(1e-9));
    assertThat(scored.perClass().get("b").get("recall")).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(scored.perClass().get("c").get("recall")).isCloseTo(0.75, within(1e-9));
    assertThat(metrics).containsKeys("average_precision", "brier_score", "ece", "f1_micro");
    assertThat(metrics).doesNotContainKeys("precision", "best_f1_threshold");
    assertThat(scored.confusionMatrix())
        .isDeepEqualTo(new long[][] {{3, 0, 0}, {1, 2, 0}, {0, 1, 3}});
  }

  @Test
  void aTestLabelTheModelNeverSawCountsAgainstIt() {
    double[][] p = {{.9, .1}, {.2, .8}, {.6, .4}};
    Scored scored =
        Scored.multiclass(
            new long[3],
            new String[] {"a", "b", "z"},
            new String[] {"a", "b", "a"},
            p,
            List.of("a", "b"));
    assertThat(scored.classes()).containsExactly("a", "b", "z");
    assertThat(scored.probabilities()[2]).containsExactly(.6, .4, 0);
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, String> undefined = new LinkedHashMap<>();
    scored.metrics(metrics, undefined);
    assertThat(metrics.get("accuracy")).isCloseTo(2.0 / 3, within(1e-9));
    assertThat(scored.perClass().get("z").get("recall")).isEqualTo(0.0);
  }

  @Test
  void aRegressionEvaluationReportsScikitLearnsFigures() {
    double[] targets = {3.0, -0.5, 2.0, 7.0, 4.2};
    double[] estimates = {2.5, 0.0, 2.0, 8.0, 3.9};
    String[] actual = {"3.0", "-0.5", "2.0", "7.0", "4.2"};
    Scored scored = Scored.regression(new long[5], actual, targets, estimates);
    Map<String, Double> metrics = new LinkedHashMap<>();
    scored.metrics(metrics, new LinkedHashMap<>());
    assertThat(metrics.get("mae")).isCloseTo(0.4600000000000001, within(1e-9));
    assertThat(metrics.get("rmse")).isCloseTo(0.5639148871948674, within(1e-9));
    assertThat(metrics.get("r2")).isCloseTo(0.9480256276150627, within(1e-9));
    assertThat(metrics.get("mape")).isCloseTo(0.2761904761904762, within(1e-9));
    assertThat(metrics.get("median_absolute_error")).isCloseTo(0.5, within(1e-9));
    assertThat(scored.confusionMatrix()).isNull();
    assertThat(scored.perClass()).isNull();
    Map<String, io.trainyard.contracts.events.ModelEvaluated.Interval> rmse =
        EvaluationService.interval(scored, "rmse", metrics);
    assertThat(rmse.get("rmse").low()).isLessThanOrEqualTo(metrics.get("rmse"));
    assertThat(rmse.get("rmse").high()).isGreaterThanOrEqualTo(metrics.get("rmse"));
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
    Scored scored = Scored.binary(new long[n], actual, predicted, scores, List.of("n", "y"));
    Map<String, Double> metrics = new LinkedHashMap<>();
    scored.metrics(metrics, new LinkedHashMap<>());
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
