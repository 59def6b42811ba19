package io.trainyard.stats;

import java.util.Arrays;

/**
 * The curves behind evaluation plots of a binary classifier, each computed exactly as in
 * scikit-learn, so that a plot drawn by Trainyard can be checked against a notebook.
 *
 * <p>Labels are {@code int} values 0 and 1, where 1 is the positive class. Every method checks its
 * arguments and throws {@link IllegalArgumentException} when they are {@code null}, empty, of
 * different lengths, contain labels other than 0 and 1, or scores that are not finite. Scores
 * {@code -0.0} and {@code 0.0} are one score, as in scikit-learn (and {@link BinaryMetrics}).
 *
 * <ul>
 *   <li>{@link #roc}: {@code sklearn.metrics.roc_curve(y_true, scores)} with its default {@code
 *       drop_intermediate=True}, and the first threshold {@code +inf} (scikit-learn 1.3 and later;
 *       1.2 put {@code max(scores) + 1} there)
 *   <li>{@link #precisionRecall}: {@code sklearn.metrics.precision_recall_curve(y_true, scores)}
 *       (with the default {@code drop_intermediate=False} of scikit-learn 1.3 and later)
 *   <li>{@link #calibration}: {@code sklearn.calibration.calibration_curve(y_true, y_prob,
 *       n_bins=bins, strategy='uniform')}, with the number of samples in each returned bin
 * </ul>
 */
public final class Curves {

  private Curves() {}

  /**
   * A curve as scikit-learn returns it: points {@code (x[i], y[i])} and the score thresholds that
   * give them.
   *
   * <ul>
   *   <li>of {@link #roc}: {@code x} the false positive rate, {@code y} the true positive rate,
   *       both ascending; {@code thresholds[i]} the lowest score predicted positive at point {@code
   *       i}, descending, {@code +inf} first (nothing predicted positive); as many as points
   *   <li>of {@link #precisionRecall}: {@code x} the recall, descending, {@code y} the precision;
   *       {@code thresholds} ascending, one fewer than the points: the last point (recall 0,
   *       precision 1) has none
   * </ul>
   */
  public record Curve(double[] x, double[] y, double[] thresholds) {

    /** The number of points. */
    public int size() {
      return x.length;
    }
  }

  /**
   * A reliability diagram's points, one per non-empty bin, by ascending bin.
   *
   * @param probTrue the fraction of positives in the bin ({@code prob_true})
   * @param probPred the mean predicted probability in the bin ({@code prob_pred})
   * @param counts the number of samples in the bin
   * @param bins the index of the bin among all {@code n_bins}, 0 for {@code [0, 1/n_bins]}
   */
  public record Calibration(double[] probTrue, double[] probPred, long[] counts, int[] bins) {

    /** The number of non-empty bins. */
    public int size() {
      return probTrue.length;
    }
  }

  /**
   * The receiver operating characteristic ({@code roc_curve} with {@code drop_intermediate=True}).
   * One point per distinct score from the highest down, each predicting positive every score at or
   * above it, preceded by {@code (0, 0)} at the threshold {@code +inf}. A point is dropped when it
   * lies on the straight line between its neighbours along a horizontal or vertical run — where the
   * second differences of both the false and true positive counts are 0 (scikit-learn's {@code
   * np.diff(fps, 2)} and {@code np.diff(tps, 2)}); a plotted curve and its area stay the same. Only
   * with more than two distinct scores, as scikit-learn.
   *
   * @param scores a score per sample, higher meaning more likely positive; must be finite
   * @throws IllegalArgumentException on invalid arguments, or when {@code yTrue} has one class only
   *     (scikit-learn warns and returns {@code nan} rates)
   */
  public static Curve roc(int[] yTrue, double[] scores) {
    Counts c = counts(yTrue, scores);
    if (c.positives() == 0 || c.negatives() == 0) {
      throw new IllegalArgumentException(
          "the ROC curve is undefined: only one class present in y_true");
    }
    int m = c.size();
    // Indices kept by drop_intermediate: the first, the last, and every corner in between.
    int[] kept = new int[m];
    int k = 0;
    for (int i = 0; i < m; i++) {
      boolean corner =
          m <= 2
              || i == 0
              || i == m - 1
              || c.fp()[i + 1] - 2 * c.fp()[i] + c.fp()[i - 1] != 0
              || c.tp()[i + 1] - 2 * c.tp()[i] + c.tp()[i - 1] != 0;
      if (corner) {
        kept[k++] = i;
      }
    }
    double[] fpr = new double[k + 1];
    double[] tpr = new double[k + 1];
    double[] thresholds = new double[k + 1];
    thresholds[0] = Double.POSITIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      int i = kept[j];
      fpr[j + 1] = (double) c.fp()[i] / c.negatives();
      tpr[j + 1] = (double) c.tp()[i] / c.positives();
      thresholds[j + 1] = c.thresholds()[i];
    }
    return new Curve(fpr, tpr, thresholds);
  }

  /**
   * The precision-recall curve ({@code precision_recall_curve}): one point per distinct score from
   * the lowest up — each predicting positive every score at or above it, with precision {@code tp /
   * (tp + fp)} and recall {@code tp / positives} — then the point (recall 0, precision 1), which
   * has no threshold. Every distinct score is a point, also those below the first that reaches full
   * recall (as scikit-learn 1.2 does; older versions stopped at the first point of full recall).
   *
   * @param scores a score per sample, higher meaning more likely positive; must be finite
   * @throws IllegalArgumentException on invalid arguments, or when {@code yTrue} has no positive
   *     (scikit-learn warns and sets the recall to 1)
   */
  public static Curve precisionRecall(int[] yTrue, double[] scores) {
    Counts c = counts(yTrue, scores);
    if (c.positives() == 0) {
      throw new IllegalArgumentException(
          "the precision-recall curve is undefined: no positive sample in y_true");
    }
    int m = c.size();
    double[] recall = new double[m + 1];
    double[] precision = new double[m + 1];
    double[] thresholds = new double[m];
    for (int i = 0; i < m; i++) {
      // Reversed: the lowest threshold (highest recall) first.
      int j = m - 1 - i;
      long tp = c.tp()[j];
      recall[i] = (double) tp / c.positives();
      precision[i] = (double) tp / (tp + c.fp()[j]);
      thresholds[i] = c.thresholds()[j];
    }
    recall[m] = 0.0;
    precision[m] = 1.0;
    return new Curve(recall, precision, thresholds);
  }

  /**
   * The reliability diagram ({@code calibration_curve(y_true, y_prob, n_bins=bins,
   * strategy='uniform')}): the probabilities fall into {@code bins} bins between the edges {@code
   * e_b = b * (1.0 / bins)} (numpy's {@code linspace(0, 1, bins + 1)}), bin {@code b} holding
   * {@code e_b < p <= e_(b+1)} and the first also 0 (numpy's {@code searchsorted} on the inner
   * edges); for each non-empty bin, the fraction of positives and the mean probability. A bin
   * without samples is left out, as scikit-learn does; {@link Calibration#bins()} says which bins
   * remain.
   *
   * @param probability the predicted probability of class 1 per sample, in {@code [0, 1]}
   * @param bins the number of bins, at least 1
   * @throws IllegalArgumentException on invalid arguments or probabilities outside [0, 1]
   */
  public static Calibration calibration(int[] yTrue, double[] probability, int bins) {
    checkScores(yTrue, probability, "probabilities");
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1: " + bins);
    }
    double step = 1.0 / bins;
    double[] inner = new double[bins - 1];
    for (int b = 0; b < inner.length; b++) {
      inner[b] = (b + 1) * step;
    }
    long[] count = new long[bins];
    long[] positives = new long[bins];
    double[] sum = new double[bins];
    for (int i = 0; i < probability.length; i++) {
      double p = probability[i];
      if (p < 0.0 || p > 1.0) {
        throw new IllegalArgumentException(
            "probabilities must be in [0, 1], but p[" + i + "] is " + p);
      }
      int b = firstAtLeast(inner, p);
      count[b]++;
      positives[b] += yTrue[i];
      sum[b] += p;
    }
    int nonEmpty = 0;
    for (long n : count) {
      nonEmpty += n > 0 ? 1 : 0;
    }
    double[] probTrue = new double[nonEmpty];
    double[] probPred = new double[nonEmpty];
    long[] counts = new long[nonEmpty];
    int[] index = new int[nonEmpty];
    int j = 0;
    for (int b = 0; b < bins; b++) {
      if (count[b] > 0) {
        probTrue[j] = (double) positives[b] / count[b];
        probPred[j] = sum[b] / count[b];
        counts[j] = count[b];
        index[j] = b;
        j++;
      }
    }
    return new Calibration(probTrue, probPred, counts, index);
  }

  /** The first index whose value is {@code >= p} in the ascending {@code edges}, or its length. */
  private static int firstAtLeast(double[] edges, double p) {
    int low = 0;
    int high = edges.length;
    while (low < high) {
      int mid = (low + high) >>> 1;
      if (edges[mid] < p) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }

  /**
   * Cumulative counts at each distinct score, highest score first (scikit-learn's {@code
   * _binary_clf_curve}).
   */
  private record Counts(double[] thresholds, long[] tp, long[] fp, long positives, long negatives) {

    int size() {
      return thresholds.length;
    }
  }

  private static Counts counts(int[] yTrue, double[] scores) {
    checkScores(yTrue, scores, "scores");
    int n = yTrue.length;
    // The scores of each class, ascending (adding 0.0 makes -0.0 into 0.0), then merged from the
    // highest down.
    int positives = 0;
    for (int y : yTrue) {
      positives += y;
    }
    double[] pos = new double[positives];
    double[] neg = new double[n - positives];
    int p = 0;
    int q = 0;
    for (int i = 0; i < n; i++) {
      if (yTrue[i] == 1) {
        pos[p++] = scores[i] + 0.0;
      } else {
        neg[q++] = scores[i] + 0.0;
      }
    }
    Arrays.sort(pos);
    Arrays.sort(neg);
    double[] thresholds = new double[n];
    long[] tp = new long[n];
    long[] fp = new long[n];
    int points = 0;
    long tps = 0;
    long fps = 0;
    p = pos.length - 1;
    q = neg.length - 1;
    while (p >= 0 || q >= 0) {
      double threshold = p < 0 ? neg[q] : q < 0 ? pos[p] : Math.max(pos[p], neg[q]);
      while (p >= 0 && pos[p] == threshold) {
        tps++;
        p--;
      }
      while (q >= 0 && neg[q] == threshold) {
        fps++;
        q--;
      }
      thresholds[points] = threshold;
      tp[points] = tps;
      fp[points] = fps;
      points++;
    }
    return new Counts(
        Arrays.copyOf(thresholds, points),
        Arrays.copyOf(tp, points),
        Arrays.copyOf(fp, points),
        pos.length,
        neg.length);
  }

  private static void checkScores(int[] yTrue, double[] scores, String what) {
    if (yTrue == null) {
      throw new IllegalArgumentException("yTrue must not be null");
    }
    if (yTrue.length == 0) {
      throw new IllegalArgumentException("yTrue is empty: curves need at least one sample");
    }
    for (int i = 0; i < yTrue.length; i++) {
      if (yTrue[i] != 0 && yTrue[i] != 1) {
        throw new IllegalArgumentException(
            "yTrue must hold only the labels 0 and 1, but element " + i + " is " + yTrue[i]);
      }
    }
    if (scores == null) {
      throw new IllegalArgumentException(what + " must not be null");
    }
    if (yTrue.length != scores.length) {
      throw new IllegalArgumentException(
          "yTrue and "
              + what
              + " must have the same length, but have "
              + yTrue.length
              + " and "
              + scores.length);
    }
    for (int i = 0; i < scores.length; i++) {
      if (!Double.isFinite(scores[i])) {
        throw new IllegalArgumentException(
            what + " must be finite, but element " + i + " is " + scores[i]);
      }
    }
  }
}
