package io.trainyard.stats;

/**
 * Multiclass classification metrics, each defined exactly as in scikit-learn.
 *
 * <p>Classes are the indices {@code 0..K-1}; {@code K} is the width of the probability rows (for
 * {@link #logLoss}) and never inferred from {@code yTrue}, as scikit-learn's {@code
 * labels=range(K)}. Every method checks its arguments and throws {@link IllegalArgumentException}
 * naming the argument and element when they are {@code null}, empty, of different lengths, hold a
 * class outside {@code [0, K)} or a probability that is not in {@code [0, 1]}.
 *
 * <ul>
 *   <li>{@link #accuracy}: {@code sklearn.metrics.accuracy_score}
 *   <li>{@link #logLoss}: {@code log_loss(y_true, y_prob, labels=range(K))} with {@code eps='auto'}
 *       (float64 machine epsilon)
 * </ul>
 */
public final class MulticlassMetrics {

  private MulticlassMetrics() {}

  /**
   * The fraction of predictions equal to the true class ({@code accuracy_score}).
   *
   * @param yTrue the true class per sample, {@code >= 0}
   * @param yPred the predicted class per sample, {@code >= 0}
   * @throws IllegalArgumentException on invalid arguments
   */
  public static double accuracy(int[] yTrue, int[] yPred) {
    checkClasses(yTrue, "yTrue", Integer.MAX_VALUE);
    if (yPred == null) {
      throw new IllegalArgumentException("yPred must not be null");
    }
    if (yPred.length != yTrue.length) {
      throw new IllegalArgumentException(
          "yPred has " + yPred.length + " elements, yTrue has " + yTrue.length);
    }
    checkClasses(yPred, "yPred", Integer.MAX_VALUE);
    long correct = 0;
    for (int i = 0; i < yTrue.length; i++) {
      if (yTrue[i] == yPred[i]) {
        correct++;
      }
    }
    return (double) correct / yTrue.length;
  }

  /**
   * The mean negative log-likelihood of the true classes ({@code log_loss}): each probability is
   * clipped to {@code [eps, 1 - eps]} with {@code eps = Math.ulp(1.0)}, each row then divided by
   * its sum, and the loss is {@code -mean(log(p[i][yTrue[i]]))} — scikit-learn's computation.
   *
   * @param yTrue the true class per sample, in {@code [0, K)}
   * @param probabilities per sample, the probability of each of the K classes (K at least 2, the
   *     same for every row), each in {@code [0, 1]}
   * @throws IllegalArgumentException on invalid arguments
   */
  public static double logLoss(int[] yTrue, double[][] probabilities) {
    if (probabilities == null) {
      throw new IllegalArgumentException("probabilities must not be null");
    }
    if (yTrue == null) {
      throw new IllegalArgumentException("yTrue must not be null");
    }
    if (probabilities.length != yTrue.length) {
      throw new IllegalArgumentException(
          "probabilities has " + probabilities.length + " rows, yTrue has " + yTrue.length);
    }
    if (yTrue.length == 0) {
      throw new IllegalArgumentException("yTrue must not be empty");
    }
    int k = probabilities[0] == null ? 0 : probabilities[0].length;
    if (k < 2) {
      throw new IllegalArgumentException(
          "probabilities need one column per class and at least 2 classes, got " + k);
    }
    for (int i = 0; i < probabilities.length; i++) {
      double[] row = probabilities[i];
      if (row == null || row.length != k) {
        throw new IllegalArgumentException(
            "probabilities[" + i + "] must have " + k + " columns (one per class)");
      }
      for (int c = 0; c < k; c++) {
        if (!(row[c] >= 0.0 && row[c] <= 1.0)) {
          throw new IllegalArgumentException(
              "probabilities must be in [0, 1], but probabilities["
                  + i
                  + "]["
                  + c
                  + "] is "
                  + row[c]);
        }
      }
    }
    checkClasses(yTrue, "yTrue", k);
    double eps = BinaryMetrics.LOG_LOSS_EPS;
    double sum = 0.0;
    for (int i = 0; i < yTrue.length; i++) {
      double[] row = probabilities[i];
      double total = 0.0;
      for (int c = 0; c < k; c++) {
        total += clip(row[c], eps);
      }
      sum -= Math.log(clip(row[yTrue[i]], eps) / total);
    }
    return sum / yTrue.length;
  }

  private static double clip(double p, double eps) {
    return Math.min(Math.max(p, eps), 1.0 - eps);
  }

  private static void checkClasses(int[] y, String name, int classes) {
    if (y == null) {
      throw new IllegalArgumentException(name + " must not be null");
    }
    if (y.length == 0) {
      throw new IllegalArgumentException(name + " must not be empty");
    }
    for (int i = 0; i < y.length; i++) {
      if (y[i] < 0 || y[i] >= classes) {
        throw new IllegalArgumentException(
            name
                + "["
                + i
                + "] is "
                + y[i]
                + ", expected a class in [0, "
                + (classes == Integer.MAX_VALUE ? "K" : String.valueOf(classes))
                + ")");
      }
    }
  }
}
