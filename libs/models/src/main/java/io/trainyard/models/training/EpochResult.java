package io.trainyard.models.training;

/**
 * What one finished epoch measured.
 *
 * @param epoch the epoch, from 1
 * @param epochs the maximum number of epochs
 * @param trainLoss the mean loss of the epoch's mini-batches (binary cross-entropy; with dropout)
 * @param valLoss the mean binary cross-entropy over the validation rows (inference mode)
 * @param valAccuracy the validation accuracy at threshold 0.5
 * @param learningRate the learning rate the epoch used
 * @param samplesPerSecond training rows per second of the epoch's training pass
 * @param gradientNorm the global L2 norm of the gradients, averaged over the epoch's mini-batches
 *     (NaN when not measured)
 */
public record EpochResult(
    int epoch,
    int epochs,
    double trainLoss,
    double valLoss,
    double valAccuracy,
    double learningRate,
    double samplesPerSecond,
    double gradientNorm) {

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
