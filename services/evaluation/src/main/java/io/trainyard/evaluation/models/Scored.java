package io.trainyard.evaluation.models;

import io.trainyard.contracts.spec.Task;
import io.trainyard.stats.BinaryMetrics;
import io.trainyard.stats.ClassificationMetrics;
import io.trainyard.stats.MulticlassMetrics;
import io.trainyard.stats.RegressionMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * A test split scored by a model, and the metrics of it. One shape for every task:
 *
 * <ul>
 *   <li>binary classification: {@code classes} {@code [negative, positive]}, {@code probabilities}
 *       {@code [1 - p, p]} per row, predicted positive at {@code p >= 0.5};
 *   <li>multiclass: {@code classes} the model's classes followed by any label of the test split the
 *       model never saw (with probability 0), {@code probabilities} one column per class, predicted
 *       the most probable class;
 *   <li>regression: no classes or probabilities; {@code targets} and {@code estimates} the true and
 *       predicted values.
 * </ul>
 *
 * @param actual the true label of each row, as canonical text
 * @param predicted the predicted label of each row, as canonical text
 */
record Scored(
    Task task,
    long[] rowIds,
    String[] actual,
    String[] predicted,
    List<String> classes,
    double[][] probabilities,
    double[] targets,
    double[] estimates) {

  /** A binary classifier's rows: {@code scores} are P(positive), predicted positive at ≥ 0.5. */
  static Scored binary(
      long[] rowIds, String[] actual, String[] predicted, double[] scores, List<String> classes) {
    double[][] p = new double[scores.length][];
    for (int i = 0; i < p.length; i++) {
      p[i] = new double[] {1 - scores[i], scores[i]};
    }
    return new Scored(
        Task.BINARY_CLASSIFICATION, rowIds, actual, predicted, classes, p, null, null);
  }

  /**
   * A multiclass classifier's rows. Labels of the test split that are not among the model's classes
   * are appended to the classes, with probability 0, so that they count against it.
   */
  static Scored multiclass(
      long[] rowIds,
      String[] actual,
      String[] predicted,
      double[][] probabilities,
      List<String> modelClasses) {
    List<String> classes = new ArrayList<>(modelClasses);
    TreeSet<String> unseen = new TreeSet<>();
    for (String label : actual) {
      if (!modelClasses.contains(label)) {
        unseen.add(label);
      }
    }
    classes.addAll(unseen);
    double[][] p = probabilities;
    if (!unseen.isEmpty()) {
      p = new double[probabilities.length][];
      for (int i = 0; i < p.length; i++) {
        p[i] = java.util.Arrays.copyOf(probabilities[i], classes.size());
      }
    }
    return new Scored(
        Task.MULTICLASS_CLASSIFICATION,
        rowIds,
        actual,
        predicted,
        List.copyOf(classes),
        p,
        null,
        null);
  }

  /** A regression model's rows. */
  static Scored regression(long[] rowIds, String[] actual, double[] targets, double[] estimates) {
    String[] predicted = new String[estimates.length];
    for (int i = 0; i < predicted.length; i++) {
      predicted[i] = Double.toString(estimates[i]);
    }
    return new Scored(
        Task.REGRESSION, rowIds, actual, predicted, List.of(), null, targets, estimates);
  }

  int rows() {
    return rowIds.length;
  }

  /** P(positive) per row of a binary classifier. */
  double[] scores() {
    double[] s = new double[probabilities.length];
    for (int i = 0; i < s.length; i++) {
      s[i] = probabilities[i][1];
    }
    return s;
  }

  /** The class index of each row's true label. */
  int[] yTrue() {
    return indices(actual);
  }

  /** The class index of each row's predicted label. */
  int[] yPred() {
    return indices(predicted);
  }

  private int[] indices(String[] labels) {
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      index.put(classes.get(c), c);
    }
    int[] y = new int[labels.length];
    for (int i = 0; i < y.length; i++) {
      Integer c = index.get(labels[i]);
      if (c == null) {
        throw new IllegalStateException("'" + labels[i] + "' is not one of " + classes);
      }
      y[i] = c;
    }
    return y;
  }

  /** The rows at these indices (with repeats), as a bootstrap resample draws them. */
  Scored sample(int[] rows) {
    long[] ids = new long[rows.length];
    String[] a = new String[rows.length];
    String[] p = new String[rows.length];
    double[][] probs = probabilities == null ? null : new double[rows.length][];
    double[] t = targets == null ? null : new double[rows.length];
    double[] e = estimates == null ? null : new double[rows.length];
    for (int i = 0; i < rows.length; i++) {
      int r = rows[i];
      ids[i] = rowIds[r];
      a[i] = actual[r];
      p[i] = predicted[r];
      if (probs != null) {
        probs[i] = probabilities[r];
      }
      if (t != null) {
        t[i] = targets[r];
        e[i] = estimates[r];
      }
    }
    return new Scored(task, ids, a, p, classes, probs, t, e);
  }

  /**
   * The test split's metrics, scikit-learn's definitions, into {@code metrics}; a metric that is
   * undefined on these rows (roc_auc when a class is absent) goes into {@code undefined} with why.
   */
  void metrics(Map<String, Double> metrics, Map<String, String> undefined) {
    switch (task) {
      case BINARY_CLASSIFICATION -> binaryMetrics(metrics, undefined);
      case MULTICLASS_CLASSIFICATION -> multiclassMetrics(metrics, undefined);
      case REGRESSION -> regressionMetrics(metrics);
    }
  }

  private void binaryMetrics(Map<String, Double> metrics, Map<String, String> undefined) {
    int[] yTrue = yTrue();
    int[] yPred = yPred();
    double[] scores = scores();
    metrics.put("accuracy", BinaryMetrics.accuracy(yTrue, yPred));
    try {
      metrics.put("roc_auc", BinaryMetrics.rocAuc(yTrue, scores));
    } catch (IllegalArgumentException e) {
      undefined.put("roc_auc", e.getMessage());
    }
    metrics.put("f1", BinaryMetrics.f1(yTrue, yPred));
    metrics.put("precision", BinaryMetrics.precision(yTrue, yPred));
    metrics.put("recall", BinaryMetrics.recall(yTrue, yPred));
    metrics.put("log_loss", BinaryMetrics.logLoss(yTrue, scores));
    averaged(yTrue, yPred, metrics);
    metrics.put("brier_score", BinaryMetrics.brierScore(yTrue, scores));
    metrics.put(
        "ece", ClassificationMetrics.ece(yTrue, probabilities, ClassificationMetrics.ECE_BINS));
    try {
      metrics.put("average_precision", BinaryMetrics.averagePrecision(yTrue, scores));
      metrics.put("best_f1_threshold", BinaryMetrics.bestF1Threshold(yTrue, scores));
    } catch (IllegalArgumentException e) {
      undefined.put("average_precision", e.getMessage());
      undefined.put("best_f1_threshold", e.getMessage());
    }
  }

  private void multiclassMetrics(Map<String, Double> metrics, Map<String, String> undefined) {
    int[] yTrue = yTrue();
    int[] yPred = yPred();
    metrics.put("accuracy", MulticlassMetrics.accuracy(yTrue, yPred));
    try {
      metrics.put("roc_auc", ClassificationMetrics.rocAucOvr(yTrue, probabilities));
    } catch (IllegalArgumentException e) {
      undefined.put("roc_auc", e.getMessage());
    }
    try {
      metrics.put(
          "average_precision", ClassificationMetrics.averagePrecisionMacro(yTrue, probabilities));
    } catch (IllegalArgumentException e) {
      undefined.put("average_precision", e.getMessage());
    }
    metrics.put("log_loss", MulticlassMetrics.logLoss(yTrue, probabilities));
    averaged(yTrue, yPred, metrics);
    metrics.put("brier_score", ClassificationMetrics.brierScore(yTrue, probabilities));
    metrics.put(
        "ece", ClassificationMetrics.ece(yTrue, probabilities, ClassificationMetrics.ECE_BINS));
  }

  private static void averaged(int[] yTrue, int[] yPred, Map<String, Double> metrics) {
    metrics.put("balanced_accuracy", ClassificationMetrics.balancedAccuracy(yTrue, yPred));
    for (ClassificationMetrics.Average average : ClassificationMetrics.Average.values()) {
      String suffix = "_" + average.name().toLowerCase(Locale.ROOT);
      metrics.put("precision" + suffix, ClassificationMetrics.precision(yTrue, yPred, average));
      metrics.put("recall" + suffix, ClassificationMetrics.recall(yTrue, yPred, average));
      metrics.put("f1" + suffix, ClassificationMetrics.f1(yTrue, yPred, average));
    }
  }

  /**
   * {@code precision}, {@code recall}, {@code f1} and {@code support} of each class that is true or
   * predicted in these rows (scikit-learn's {@code average=None}), by class label; null for
   * regression.
   */
  Map<String, Map<String, Double>> perClass() {
    if (task == Task.REGRESSION) {
      return null;
    }
    ClassificationMetrics.PerClass per = ClassificationMetrics.perClass(yTrue(), yPred());
    double[] precision = per.precision();
    double[] recall = per.recall();
    double[] f1 = per.f1();
    Map<String, Map<String, Double>> all = new java.util.LinkedHashMap<>();
    for (int i = 0; i < per.labels().length; i++) {
      Map<String, Double> figures = new java.util.LinkedHashMap<>();
      figures.put("precision", precision[i]);
      figures.put("recall", recall[i]);
      figures.put("f1", f1[i]);
      figures.put("support", (double) per.support()[i]);
      all.put(classes.get(per.labels()[i]), figures);
    }
    return all;
  }

  private void regressionMetrics(Map<String, Double> metrics) {
    metrics.put("mae", RegressionMetrics.mae(targets, estimates));
    metrics.put("mse", RegressionMetrics.mse(targets, estimates));
    metrics.put("rmse", RegressionMetrics.rmse(targets, estimates));
    metrics.put("r2", RegressionMetrics.r2(targets, estimates));
    metrics.put("mape", RegressionMetrics.mape(targets, estimates));
    metrics.put("median_absolute_error", RegressionMetrics.medianAbsoluteError(targets, estimates));
  }

  /**
   * The confusion matrix over {@link #classes}: rows the true class, columns the predicted one
   * (scikit-learn's {@code confusion_matrix(y, y_pred, labels=classes)}); null for regression.
   */
  long[][] confusionMatrix() {
    if (task == Task.REGRESSION) {
      return null;
    }
    return ClassificationMetrics.confusionMatrix(yTrue(), yPred(), classes.size());
  }
}
