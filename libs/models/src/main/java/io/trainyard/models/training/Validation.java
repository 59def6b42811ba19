package io.trainyard.models.training;

import io.trainyard.models.ModelBundle;
import io.trainyard.models.ModelConfig;
import io.trainyard.stats.MulticlassMetrics;
import io.trainyard.stats.RegressionMetrics;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A model's figures on the validation rows, computed from its raw outputs (logits, or the
 * standardised target) the same way for every model family, so that the validation losses of an MLP
 * and of gradient-boosted trees can be compared (model selection).
 *
 * @param loss the mean loss: binary cross-entropy of the logit, softmax cross-entropy, or the mean
 *     squared error of the standardised target
 * @param accuracy classification accuracy (NaN for regression)
 * @param metrics the task's further metrics ({@link EpochResult#metrics()})
 */
record Validation(double loss, double accuracy, Map<String, Double> metrics) {

  /** Binary: mean binary cross-entropy of the logits and accuracy at 0.5. */
  static Validation binary(float[] z, int[] y) {
    int rows = y.length;
    double lossSum = 0;
    int correct = 0;
    for (int i = 0; i < rows; i++) {
      double logit = z[i];
      int label = y[i];
      // log(1 + exp(-|z|)) + max(z, 0) - z * y: stable for any logit
      lossSum += Math.max(logit, 0) - logit * label + Math.log1p(Math.exp(-Math.abs(logit)));
      if ((ModelBundle.sigmoid(logit) >= 0.5 ? 1 : 0) == label) {
        correct++;
      }
    }
    return new Validation(lossSum / rows, correct / (double) rows, Map.of());
  }

  /**
   * Multiclass: the mean softmax cross-entropy of the logits ({@code logsumexp(z) - z_y}, in double
   * precision), the accuracy of the most probable class and scikit-learn's log loss of the softmax
   * probabilities — the probabilities {@link ModelBundle#probabilities} gives.
   */
  static Validation multiclass(float[] z, int[] y, int classes) {
    int rows = y.length;
    double lossSum = 0;
    double[][] probabilities = new double[rows][];
    int[] predicted = new int[rows];
    for (int i = 0; i < rows; i++) {
      int offset = i * classes;
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        max = Math.max(max, z[offset + c]);
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        sum += Math.exp(z[offset + c] - max);
      }
      lossSum += max + Math.log(sum) - z[offset + y[i]];
      probabilities[i] = ModelBundle.softmax(z, offset, classes);
      predicted[i] = ModelBundle.argmax(probabilities[i], classes);
    }
    double accuracy = MulticlassMetrics.accuracy(y, predicted);
    return new Validation(
        lossSum / rows,
        accuracy,
        Map.of(MlpTrainer.VAL_LOG_LOSS, MulticlassMetrics.logLoss(y, probabilities)));
  }

  /**
   * Regression: the mean squared error of the standardised outputs against the standardised targets
   * (the training loss's units), then rmse, mae and r2 of the de-standardised predictions — the
   * values {@link ModelBundle#predictions} gives — against the targets.
   */
  static Validation regression(float[] z, double[] y, ModelConfig config) {
    int rows = y.length;
    double lossSum = 0;
    double[] predicted = new double[rows];
    for (int i = 0; i < rows; i++) {
      double standardised = (y[i] - config.targetMean()) / config.targetScale();
      double d = z[i] - standardised;
      lossSum += d * d;
      predicted[i] = ModelBundle.destandardise(z[i], config);
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (allFinite(predicted)) {
      metrics.put(MlpTrainer.VAL_RMSE, RegressionMetrics.rmse(y, predicted));
      metrics.put(MlpTrainer.VAL_MAE, RegressionMetrics.mae(y, predicted));
      metrics.put(MlpTrainer.VAL_R2, RegressionMetrics.r2(y, predicted));
    }
    return new Validation(lossSum / rows, Double.NaN, metrics);
  }

  private static boolean allFinite(double[] values) {
    for (double v : values) {
      if (!Double.isFinite(v)) {
        return false;
      }
    }
    return true;
  }
}
