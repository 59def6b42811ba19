package io.trainyard.stats;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * Classification metrics over classes {@code 0..K-1} (binary included, as K = 2), each as
 * scikit-learn defines it, or by the published formula where scikit-learn has none.
 *
 * <ul>
 *   <li>{@link #balancedAccuracy}: {@code balanced_accuracy_score}
 *   <li>{@link #perClass}, {@link #precision}, {@link #recall}, {@link #f1}: {@code
 *       precision_recall_fscore_support(y_true, y_pred, zero_division=0)} per class, and with
 *       {@code average='macro' | 'micro' | 'weighted'}; the labels are, as scikit-learn's default,
 *       the classes that occur in {@code yTrue} or {@code yPred}
 *   <li>{@link #confusionMatrix}: {@code confusion_matrix(y_true, y_pred, labels=range(K))}
 *   <li>{@link #rocAucOvr}: {@code roc_auc_score(y_true, y_prob, multi_class='ovr',
 *       average='macro')}
 *   <li>{@link #averagePrecisionMacro}: {@code average_precision_score(label_binarize(y_true),
 *       y_prob, average='macro')}
 *   <li>{@link #brierScore}: Brier's (1950) multi-category score, {@code mean(Σ_k (p_k - [y =
 *       k])²)}; for binary rows {@code [1 - p, p]} it is twice {@code brier_score_loss}
 *   <li>{@link #ece}: the expected calibration error of Guo et al. (2017) over equal-width bins of
 *       the confidence
 * </ul>
 *
 * <p>Arguments are checked: {@code null}, empty, lengths that differ, classes out of range or
 * probabilities outside {@code [0, 1]} throw {@link IllegalArgumentException}; so does a metric
 * that is undefined on the data (say ROC AUC when a class is absent), with the reason.
 */
public final class ClassificationMetrics {

  /** The bins of {@link #ece} that evaluation reports ({@code ece}: 15 equal-width bins). */
  public static final int ECE_BINS = 15;

  private ClassificationMetrics() {}

  /** How per-class figures are averaged. */
  public enum Average {
    /** The unweighted mean over the labels. */
    MACRO,
    /** From the true positives, false positives and false negatives summed over the labels. */
    MICRO,
    /** The mean over the labels weighted by their support (true count). */
    WEIGHTED
  }

  /**
   * Per-class figures, for the labels that occur in {@code yTrue} or {@code yPred}, ascending.
   *
   * @param labels the classes
   * @param truePositives per label
   * @param predicted per label, how often it was predicted
   * @param support per label, how often it is true
   */
  public record PerClass(int[] labels, long[] truePositives, long[] predicted, long[] support) {

    /** {@code tp / predicted}, 0 when never predicted. */
    public double[] precision() {
      double[] p = new double[labels.length];
      for (int i = 0; i < p.length; i++) {
        p[i] = ratio(truePositives[i], predicted[i]);
      }
      return p;
    }

    /** {@code tp / support}, 0 when never true. */
    public double[] recall() {
      double[] r = new double[labels.length];
      for (int i = 0; i < r.length; i++) {
        r[i] = ratio(truePositives[i], support[i]);
      }
      return r;
    }

    /** {@code 2 tp / (predicted + support)}: the harmonic mean of precision and recall, or 0. */
    public double[] f1() {
      double[] f = new double[labels.length];
      for (int i = 0; i < f.length; i++) {
        f[i] = ratio(2 * truePositives[i], predicted[i] + support[i]);
      }
      return f;
    }

    double average(double[] perLabel, Average average, long tp, long denominator) {
      return switch (average) {
        case MACRO -> Arrays.stream(perLabel).sum() / perLabel.length;
        case MICRO -> ratio(tp, denominator);
        case WEIGHTED -> {
          double sum = 0;
          long total = 0;
          for (int i = 0; i < perLabel.length; i++) {
            sum += perLabel[i] * support[i];
            total += support[i];
          }
          yield total == 0 ? 0 : sum / total;
        }
      };
    }

    long sum(long[] values) {
      return Arrays.stream(values).sum();
    }
  }

  /** The confusion matrix: rows the true class, columns the predicted one. */
  public static long[][] confusionMatrix(int[] yTrue, int[] yPred, int k) {
    check(yTrue, yPred);
    long[][] cm = new long[k][k];
    for (int i = 0; i < yTrue.length; i++) {
      if (yTrue[i] >= k || yPred[i] >= k) {
        throw new IllegalArgumentException(
            "sample " + i + " has a class outside [0, " + k + "): " + yTrue[i] + ", " + yPred[i]);
      }
      cm[yTrue[i]][yPred[i]]++;
    }
    return cm;
  }

  /** Per-class counts over the labels in {@code yTrue} or {@code yPred}. */
  public static PerClass perClass(int[] yTrue, int[] yPred) {
    check(yTrue, yPred);
    TreeSet<Integer> present = new TreeSet<>();
    for (int i = 0; i < yTrue.length; i++) {
      present.add(yTrue[i]);
      present.add(yPred[i]);
    }
    int[] labels = present.stream().mapToInt(Integer::intValue).toArray();
    long[] tp = new long[labels.length];
    long[] predicted = new long[labels.length];
    long[] support = new long[labels.length];
    for (int i = 0; i < yTrue.length; i++) {
      int t = Arrays.binarySearch(labels, yTrue[i]);
      int p = Arrays.binarySearch(labels, yPred[i]);
      support[t]++;
      predicted[p]++;
      if (t == p) {
        tp[t]++;
      }
    }
    return new PerClass(labels, tp, predicted, support);
  }

  /** Precision averaged over the labels ({@code precision_score}, {@code zero_division=0}). */
  public static double precision(int[] yTrue, int[] yPred, Average average) {
    PerClass c = perClass(yTrue, yPred);
    return c.average(c.precision(), average, c.sum(c.truePositives()), c.sum(c.predicted()));
  }

  /** Recall averaged over the labels ({@code recall_score}, {@code zero_division=0}). */
  public static double recall(int[] yTrue, int[] yPred, Average average) {
    PerClass c = perClass(yTrue, yPred);
    return c.average(c.recall(), average, c.sum(c.truePositives()), c.sum(c.support()));
  }

  /** F1 averaged over the labels ({@code f1_score}, {@code zero_division=0}). */
  public static double f1(int[] yTrue, int[] yPred, Average average) {
    PerClass c = perClass(yTrue, yPred);
    return c.average(
        c.f1(), average, 2 * c.sum(c.truePositives()), c.sum(c.predicted()) + c.sum(c.support()));
  }

  /**
   * The mean recall of the classes that occur in {@code yTrue} ({@code balanced_accuracy_score}).
   */
  public static double balancedAccuracy(int[] yTrue, int[] yPred) {
    PerClass c = perClass(yTrue, yPred);
    double[] recall = c.recall();
    double sum = 0;
    int classes = 0;
    for (int i = 0; i < recall.length; i++) {
      if (c.support()[i] > 0) {
        sum += recall[i];
        classes++;
      }
    }
    return sum / classes;
  }

  /**
   * The mean over the classes of the ROC AUC of each class's probability against the rest.
   *
   * @throws IllegalArgumentException when a class of the K does not occur in {@code yTrue} (as
   *     scikit-learn refuses it)
   */
  public static double rocAucOvr(int[] yTrue, double[][] probabilities) {
    int k = checkProbabilities(yTrue, probabilities);
    double sum = 0;
    for (int c = 0; c < k; c++) {
      sum += BinaryMetrics.rocAuc(oneVsRest(yTrue, c, k), column(probabilities, c));
    }
    return sum / k;
  }

  /**
   * The mean over the classes of each class's average precision against the rest.
   *
   * @throws IllegalArgumentException when a class of the K does not occur in {@code yTrue}
   */
  public static double averagePrecisionMacro(int[] yTrue, double[][] probabilities) {
    int k = checkProbabilities(yTrue, probabilities);
    double sum = 0;
    for (int c = 0; c < k; c++) {
      sum += BinaryMetrics.averagePrecision(oneVsRest(yTrue, c, k), column(probabilities, c));
    }
    return sum / k;
  }

  /** Brier's multi-category score: {@code mean over rows of Σ_k (p_k - [y = k])²}. */
  public static double brierScore(int[] yTrue, double[][] probabilities) {
    int k = checkProbabilities(yTrue, probabilities);
    double sum = 0;
    for (int i = 0; i < yTrue.length; i++) {
      for (int c = 0; c < k; c++) {
        double d = probabilities[i][c] - (yTrue[i] == c ? 1 : 0);
        sum += d * d;
      }
    }
    return sum / yTrue.length;
  }

  /**
   * The expected calibration error (Guo et al., 2017): each row's confidence is its largest
   * probability and its prediction that class (the first on ties); rows fall into {@code bins}
   * equal-width bins of the confidence, {@code (b/bins, (b+1)/bins]} (a confidence of 0 in the
   * first); the ECE is {@code Σ_b |B_b| / n · |accuracy(B_b) - mean confidence(B_b)|}.
   */
  public static double ece(int[] yTrue, double[][] probabilities, int bins) {
    int k = checkProbabilities(yTrue, probabilities);
    if (bins < 1) {
      throw new IllegalArgumentException("bins must be at least 1: " + bins);
    }
    long[] count = new long[bins];
    long[] correct = new long[bins];
    double[] confidence = new double[bins];
    for (int i = 0; i < yTrue.length; i++) {
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (probabilities[i][c] > probabilities[i][best]) {
          best = c;
        }
      }
      double conf = probabilities[i][best];
      int b = Math.min(Math.max((int) Math.ceil(conf * bins) - 1, 0), bins - 1);
      count[b]++;
      correct[b] += best == yTrue[i] ? 1 : 0;
      confidence[b] += conf;
    }
    double ece = 0;
    for (int b = 0; b < bins; b++) {
      if (count[b] > 0) {
        double accuracy = (double) correct[b] / count[b];
        ece += (double) count[b] / yTrue.length * Math.abs(accuracy - confidence[b] / count[b]);
      }
    }
    return ece;
  }

  private static int[] oneVsRest(int[] yTrue, int c, int k) {
    int[] y = new int[yTrue.length];
    boolean present = false;
    for (int i = 0; i < y.length; i++) {
      y[i] = yTrue[i] == c ? 1 : 0;
      present |= y[i] == 1;
    }
    if (!present) {
      throw new IllegalArgumentException(
          "class "
              + c
              + " of "
              + k
              + " does not occur in y_true: its one-vs-rest figure is undefined");
    }
    return y;
  }

  private static double[] column(double[][] rows, int c) {
    double[] v = new double[rows.length];
    for (int i = 0; i < v.length; i++) {
      v[i] = rows[i][c];
    }
    return v;
  }

  /** Checks the arguments; the number of classes, K. */
  private static int checkProbabilities(int[] yTrue, double[][] probabilities) {
    if (yTrue == null || probabilities == null) {
      throw new IllegalArgumentException("yTrue and probabilities must not be null");
    }
    if (yTrue.length == 0 || yTrue.length != probabilities.length) {
      throw new IllegalArgumentException(
          "yTrue has " + yTrue.length + " rows, probabilities " + probabilities.length);
    }
    int k = probabilities[0] == null ? 0 : probabilities[0].length;
    if (k < 2) {
      throw new IllegalArgumentException("probabilities need at least 2 columns, got " + k);
    }
    for (int i = 0; i < yTrue.length; i++) {
      if (probabilities[i] == null || probabilities[i].length != k) {
        throw new IllegalArgumentException("probabilities[" + i + "] must have " + k + " columns");
      }
      if (yTrue[i] < 0 || yTrue[i] >= k) {
        throw new IllegalArgumentException(
            "yTrue[" + i + "] is " + yTrue[i] + ", not in [0, " + k + ")");
      }
      for (double p : probabilities[i]) {
        if (!(p >= 0 && p <= 1)) {
          throw new IllegalArgumentException(
              "probabilities must be in [0, 1], row " + i + " has " + p);
        }
      }
    }
    return k;
  }

  private static void check(int[] yTrue, int[] yPred) {
    if (yTrue == null || yPred == null) {
      throw new IllegalArgumentException("yTrue and yPred must not be null");
    }
    if (yTrue.length == 0 || yTrue.length != yPred.length) {
      throw new IllegalArgumentException(
          "yTrue has " + yTrue.length + " elements, yPred " + yPred.length);
    }
    for (int i = 0; i < yTrue.length; i++) {
      if (yTrue[i] < 0 || yPred[i] < 0) {
        throw new IllegalArgumentException("sample " + i + " has a negative class");
      }
    }
  }

  private static double ratio(long numerator, long denominator) {
    return denominator == 0 ? 0.0 : (double) numerator / denominator;
  }
}
