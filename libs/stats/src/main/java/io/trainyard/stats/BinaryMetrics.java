package io.trainyard.stats;

import java.util.Arrays;

/**
 * Binary classification metrics, each defined exactly as in scikit-learn, so that numbers reported
 * by Trainyard (evaluation gates, drift reports, the console) can be checked against a notebook.
 *
 * <p>Labels are {@code int} values 0 and 1, where 1 is the positive class. Every method checks its
 * arguments and throws {@link IllegalArgumentException} when they are {@code null}, empty, of
 * different lengths, contain labels other than 0 and 1, or (for scores and probabilities) values
 * that are not finite.
 *
 * <ul>
 *   <li>{@link #accuracy}: {@code sklearn.metrics.accuracy_score}
 *   <li>{@link #precision}, {@link #recall}, {@link #f1}: {@code precision_score}, {@code
 *       recall_score}, {@code f1_score} with {@code pos_label=1, average='binary', zero_division=0}
 *   <li>{@link #rocAuc}: {@code roc_auc_score}
 *   <li>{@link #logLoss}: {@code log_loss} with {@code eps='auto'} (float64 machine epsilon)
 *   <li>{@link #confusionMatrix}: {@code confusion_matrix(y_true, y_pred, labels=[0, 1])}
 *   <li>{@link #averagePrecision}: {@code average_precision_score}
 *   <li>{@link #brierScore}: {@code brier_score_loss}
 *   <li>{@link #bestF1Threshold}: the threshold of {@code precision_recall_curve} with the highest
 *       F1
 * </ul>
 */
public final class BinaryMetrics {

  /** The clipping bound of {@link #logLoss}: float64 machine epsilon, as numpy's finfo. */
  static final double LOG_LOSS_EPS = Math.ulp(1.0);

  private BinaryMetrics() {}

  /**
   * The fraction of predictions equal to the true label ({@code accuracy_score}).
   *
   * @throws IllegalArgumentException on invalid arguments
   */
  public static double accuracy(int[] yTrue, int[] yPred) {
    checkLabels(yTrue, yPred);
    long correct = 0;
    for (int i = 0; i < yTrue.length; i++) {
      if (yTrue[i] == yPred[i]) {
        correct++;
      }
    }
    return (double) correct / yTrue.length;
  }

  /**
   * {@code tp / (tp + fp)}, or 0 when nothing is predicted positive ({@code precision_score} with
   * {@code zero_division=0}).
   *
   * @throws IllegalArgumentException on invalid arguments
   */
  public static double precision(int[] yTrue, int[] yPred) {
    long[][] cm = confusionMatrix(yTrue, yPred);
    return ratio(cm[1][1], cm[1][1] + cm[0][1]);
  }

  /**
   * {@code tp / (tp + fn)}, or 0 when there are no positives ({@code recall_score} with {@code
   * zero_division=0}).
   *
   * @throws IllegalArgumentException on invalid arguments
   */
  public static double recall(int[] yTrue, int[] yPred) {
    long[][] cm = confusionMatrix(yTrue, yPred);
    return ratio(cm[1][1], cm[1][1] + cm[1][0]);
  }

  /**
   * The harmonic mean of precision and recall, {@code 2 tp / (2 tp + fp + fn)}, or 0 when there are
   * neither true nor predicted positives ({@code f1_score} with {@code zero_division=0}).
   *
   * @throws IllegalArgumentException on invalid arguments
   */
  public static double f1(int[] yTrue, int[] yPred) {
    long[][] cm = confusionMatrix(yTrue, yPred);
    long tp = cm[1][1];
    return ratio(2 * tp, 2 * tp + cm[0][1] + cm[1][0]);
  }

  /**
   * The area under the ROC curve ({@code roc_auc_score}): the probability that a random positive
   * scores higher than a random negative, ties counting one half. Computed as the Mann-Whitney U
   * statistic with average ranks for tied scores, which equals scikit-learn's trapezoidal area
   * exactly; O(n log n).
   *
   * @param scores a score per sample, higher meaning more likely positive; must be finite
   * @throws IllegalArgumentException on invalid arguments, or when {@code yTrue} has one class only
   */
  public static double rocAuc(int[] yTrue, double[] scores) {
    checkScores(yTrue, scores, "scores");
    int n = yTrue.length;
    long positives = 0;
    for (int y : yTrue) {
      positives += y;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      throw new IllegalArgumentException("roc_auc is undefined: only one class present in y_true");
    }
    // Sort a primitive copy of the scores; a positive's tie-averaged 1-based rank is then
    // (first + last + 2) / 2 over the run of equal scores in the sorted copy (binary search).
    // Adding 0.0 turns -0.0 into 0.0: the two are one tie, as in scikit-learn.
    double[] sorted = new double[n];
    for (int i = 0; i < n; i++) {
      sorted[i] = scores[i] + 0.0;
    }
    Arrays.sort(sorted);
    // Sum of twice the ranks of the positives: integers, so exact.
    long twiceRankSum = 0;
    for (int i = 0; i < n; i++) {
      if (yTrue[i] == 1) {
        double score = scores[i] + 0.0;
        twiceRankSum += (long) firstIndex(sorted, score) + lastIndex(sorted, score) + 2;
      }
    }
    long twiceU = twiceRankSum - positives * (positives + 1);
    return twiceU / (2.0 * positives * negatives);
  }

  /** The first index of {@code value} in the ascending {@code sorted}, which holds it. */
  private static int firstIndex(double[] sorted, double value) {
    int low = 0;
    int high = sorted.length - 1;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (Double.compare(sorted[mid], value) < 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /** The last index of {@code value} in the ascending {@code sorted}, which holds it. */
  private static int lastIndex(double[] sorted, double value) {
    int low = 0;
    int high = sorted.length - 1;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (Double.compare(sorted[mid], value) > 0) {
        high = mid - 1;
      } else {
        low = mid;
      }
    }
    return low;
  }

  /**
   * The mean negative log-likelihood of the true labels ({@code log_loss} for a binary target).
   * Probabilities are clipped to {@code [eps, 1 - eps]} with {@code eps = Math.ulp(1.0)} and the
   * pair {@code (1 - p, p)} renormalised, as scikit-learn does. Unlike scikit-learn, which needs
   * {@code labels=[0, 1]} when {@code yTrue} holds one class only, this always assumes the classes
   * 0 and 1.
   *
   * @param p the predicted probability of class 1 per sample, in {@code [0, 1]}
   * @throws IllegalArgumentException on invalid arguments
   */
  public static double logLoss(int[] yTrue, double[] p) {
    checkScores(yTrue, p, "probabilities");
    for (int i = 0; i < p.length; i++) {
      if (p[i] < 0.0 || p[i] > 1.0) {
        throw new IllegalArgumentException(
            "probabilities must be in [0, 1], but p[" + i + "] is " + p[i]);
      }
    }
    double sum = 0.0;
    for (int i = 0; i < yTrue.length; i++) {
      double pc = Math.min(Math.max(p[i], LOG_LOSS_EPS), 1.0 - LOG_LOSS_EPS);
      double total = (1.0 - pc) + pc;
      double likelihood = yTrue[i] == 1 ? pc / total : (1.0 - pc) / total;
      sum -= Math.log(likelihood);
    }
    return sum / yTrue.length;
  }

  /**
   * The average precision ({@code average_precision_score}): over the distinct scores from the
   * highest down, {@code Σ (R_n - R_(n-1)) · P_n}, where {@code P_n} and {@code R_n} are the
   * precision and recall of predicting positive every score at or above the n-th — the area under
   * the precision-recall curve as a step function, without interpolation.
   *
   * @throws IllegalArgumentException on invalid arguments, or when {@code yTrue} has no positive
   */
  public static double averagePrecision(int[] yTrue, double[] scores) {
    return precisionRecallSteps(yTrue, scores).averagePrecision();
  }

  /**
   * The threshold with the highest F1 when every score at or above it is predicted positive: among
   * the distinct scores up to the one that reaches full recall (the thresholds of {@code
   * precision_recall_curve}), the lowest with the highest F1 — {@code thresholds[argmax(f1[:-1])]}.
   *
   * @throws IllegalArgumentException on invalid arguments, or when {@code yTrue} has no positive
   */
  public static double bestF1Threshold(int[] yTrue, double[] scores) {
    return precisionRecallSteps(yTrue, scores).bestF1Threshold();
  }

  /**
   * The mean squared difference between the probability of the positive class and the label ({@code
   * brier_score_loss}).
   *
   * @throws IllegalArgumentException on invalid arguments or probabilities outside [0, 1]
   */
  public static double brierScore(int[] yTrue, double[] p) {
    checkScores(yTrue, p, "probabilities");
    double sum = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] < 0.0 || p[i] > 1.0) {
        throw new IllegalArgumentException(
            "probabilities must be in [0, 1], but p[" + i + "] is " + p[i]);
      }
      double d = p[i] - yTrue[i];
      sum += d * d;
    }
    return sum / p.length;
  }

  /** The precision-recall curve's points, one per distinct score, highest score first. */
  private record Steps(double[] thresholds, long[] tp, long[] fp, long positives) {

    double averagePrecision() {
      double ap = 0;
      double previousRecall = 0;
      for (int i = 0; i < thresholds.length; i++) {
        double recall = (double) tp[i] / positives;
        ap += (recall - previousRecall) * ((double) tp[i] / (tp[i] + fp[i]));
        previousRecall = recall;
      }
      return ap;
    }

    double bestF1Threshold() {
      // Only up to the first point of full recall, as precision_recall_curve; ties to the lowest
      // threshold (the first in the curve's ascending order).
      int last = 0;
      while (tp[last] < positives) {
        last++;
      }
      double best = -1;
      double threshold = Double.NaN;
      for (int i = last; i >= 0; i--) {
        double f1 = 2.0 * tp[i] / (tp[i] + fp[i] + positives);
        if (f1 > best) {
          best = f1;
          threshold = thresholds[i];
        }
      }
      return threshold;
    }
  }

  private static Steps precisionRecallSteps(int[] yTrue, double[] scores) {
    checkScores(yTrue, scores, "scores");
    int n = yTrue.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    // Highest score first; -0.0 and 0.0 are one score.
    Arrays.sort(order, (a, b) -> Double.compare(scores[b] + 0.0, scores[a] + 0.0));
    double[] thresholds = new double[n];
    long[] tp = new long[n];
    long[] fp = new long[n];
    int points = 0;
    long positives = 0;
    long negatives = 0;
    for (int j = 0; j < n; j++) {
      int i = order[j];
      positives += yTrue[i];
      negatives += 1 - yTrue[i];
      boolean lastOfTie = j + 1 == n || scores[order[j + 1]] + 0.0 != scores[i] + 0.0;
      if (lastOfTie) {
        thresholds[points] = scores[i] + 0.0;
        tp[points] = positives;
        fp[points] = negatives;
        points++;
      }
    }
    if (positives == 0) {
      throw new IllegalArgumentException(
          "average precision is undefined: no positive sample in y_true");
    }
    return new Steps(
        Arrays.copyOf(thresholds, points),
        Arrays.copyOf(tp, points),
        Arrays.copyOf(fp, points),
        positives);
  }

  /**
   * The confusion matrix {@code [[tn, fp], [fn, tp]]}: rows are the true label, columns the
   * predicted label, as {@code confusion_matrix(y_true, y_pred, labels=[0, 1])}.
   *
   * @throws IllegalArgumentException on invalid arguments
   */
  public static long[][] confusionMatrix(int[] yTrue, int[] yPred) {
    checkLabels(yTrue, yPred);
    long[][] cm = new long[2][2];
    for (int i = 0; i < yTrue.length; i++) {
      cm[yTrue[i]][yPred[i]]++;
    }
    return cm;
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0.0 : (double) numerator / denominator;
  }

  private static void checkLabels(int[] yTrue, int[] yPred) {
    checkTrue(yTrue);
    if (yPred == null) {
      throw new IllegalArgumentException("yPred must not be null");
    }
    checkLength(yTrue.length, yPred.length, "yPred");
    checkBinary(yPred, "yPred");
  }

  private static void checkScores(int[] yTrue, double[] scores, String what) {
    checkTrue(yTrue);
    if (scores == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    checkLength(yTrue.length, scores.length, what);
    for (int i = 0; i < scores.length; i++) {
      if (!Double.isFinite(scores[i])) {
        throw new IllegalArgumentException(
            what + " must be finite, but element " + i + " is " + scores[i]);
      }
    }
  }

  private static void checkTrue(int[] yTrue) {
    if (yTrue == null) {
      throw new IllegalArgumentException("yTrue must not be null");
    }
    if (yTrue.length == 0) {
      throw new IllegalArgumentException("yTrue is empty: metrics need at least one sample");
    }
    checkBinary(yTrue, "yTrue");
  }

  private static void checkLength(int expected, int actual, String what) {
    if (expected != actual) {
      throw new IllegalArgumentException(
          "yTrue and "
              + what
              + " must have the same length, but have "
              + expected
              + " and "
              + actual);
    }
  }

  private static void checkBinary(int[] labels, String what) {
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] != 0 && labels[i] != 1) {
        throw new IllegalArgumentException(
            what + " must hold only the labels 0 and 1, but element " + i + " is " + labels[i]);
      }
    }
  }
}
