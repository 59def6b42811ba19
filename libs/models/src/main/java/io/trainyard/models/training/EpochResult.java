package io.trainyard.models.training;

import java.util.Map;

/**
 * What one finished epoch measured.
 *
 * @param epoch the epoch, from 1
 * @param epochs the maximum number of epochs
 * @param trainLoss the mean loss of the epoch's mini-batches (with dropout): binary cross-entropy,
 *     softmax cross-entropy (multiclass) or the mean squared error of the standardised target
 *     (regression)
 * @param valLoss the same loss over the validation rows (inference mode)
 * @param valAccuracy the validation accuracy: at threshold 0.5 (binary), of the most probable class
 *     (multiclass); NaN for regression
 * @param learningRate the learning rate the epoch used
 * @param samplesPerSecond training rows per second of the epoch's training pass
 * @param gradientNorm the global L2 norm of the gradients, averaged over the epoch's mini-batches
 *     (NaN when not measured)
 * @param metrics further validation metrics by name, each with scikit-learn's definition:
 *     multiclass {@code val_log_loss}; regression {@code val_rmse}, {@code val_mae}, {@code val_r2}
 *     (on the de-standardised target); none for binary
 */
public record EpochResult(
    int epoch,
    int epochs,
    double trainLoss,
    double valLoss,
    double valAccuracy,
    double learningRate,
    double samplesPerSecond,
    double gradientNorm,
    Map<String, Double> metrics) {

  public EpochResult {
    // null in the checkpoints of runs trained before tasks existed
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  /** An epoch without further metrics (binary). */
  public EpochResult(
      int epoch,
      int epochs,
      double trainLoss,
      double valLoss,
      double valAccuracy,
      double learningRate,
      double samplesPerSecond,
      double gradientNorm) {
    this(
        epoch,
        epochs,
        trainLoss,
        valLoss,
        valAccuracy,
        learningRate,
        samplesPerSecond,
        gradientNorm,
        Map.of());
  }

  /** An epoch without a measured gradient norm. */
  public EpochResult(
      int epoch,
      int epochs,
      double trainLoss,
      double valLoss,
      double valAccuracy,
      double learningRate,
      double samplesPerSecond) {
    this(
        epoch, epochs, trainLoss, valLoss, valAccuracy, learningRate, samplesPerSecond, Double.NaN);
  }
}
