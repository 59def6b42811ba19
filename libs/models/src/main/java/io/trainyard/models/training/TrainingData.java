package io.trainyard.models.training;

import java.util.List;
import java.util.Objects;

/**
 * The numeric training and validation splits of a dataset.
 *
 * <p>The target {@code y} of a row is, by the {@link Target} it is trained for: binary, 1 for the
 * positive class and 0 for the negative; multiclass, the index of the class in {@link
 * Target#classes()}; regression, the target value itself. The trainer checks that the values fit
 * the target; this record only that they are finite.
 *
 * @param features the numeric feature names, one per column of {@code trainX} and {@code valX}
 * @param trainX the training rows, {@code NaN} where a value is missing
 * @param trainY the training targets
 * @param valX the validation rows
 * @param valY the validation targets
 * @param categorical the categorical feature names, one per column of {@code trainText} and {@code
 *     valText}
 * @param trainText the training rows' categorical values, {@code null} where missing
 * @param valText the validation rows' categorical values
 */
public record TrainingData(
    List<String> features,
    double[][] trainX,
    double[] trainY,
    double[][] valX,
    double[] valY,
    List<String> categorical,
    String[][] trainText,
    String[][] valText) {

  public TrainingData {
    features = List.copyOf(Objects.requireNonNull(features, "features"));
    categorical = categorical == null ? List.of() : List.copyOf(categorical);
    Objects.requireNonNull(trainX, "trainX");
    Objects.requireNonNull(trainY, "trainY");
    Objects.requireNonNull(valX, "valX");
    Objects.requireNonNull(valY, "valY");
    trainText = trainText == null ? new String[trainX.length][0] : trainText;
    valText = valText == null ? new String[valX.length][0] : valText;
    if (features.isEmpty() && categorical.isEmpty()) {
      throw new IllegalArgumentException("no features");
    }
    if (trainText.length != trainX.length || valText.length != valX.length) {
      throw new IllegalArgumentException("numeric and categorical rows differ in number");
    }
    if (trainX.length == 0 || valX.length == 0) {
      throw new IllegalArgumentException(
          "training needs training and validation rows, got "
              + trainX.length
              + " and "
              + valX.length);
    }
    if (trainX.length != trainY.length || valX.length != valY.length) {
      throw new IllegalArgumentException("rows and labels differ in number");
    }
    checkFinite("trainY", trainY);
    checkFinite("valY", valY);
  }

  /** Numeric features only. */
  public TrainingData(
      List<String> features, double[][] trainX, double[] trainY, double[][] valX, double[] valY) {
    this(features, trainX, trainY, valX, valY, List.of(), null, null);
  }

  /** Classification data: {@code y} the class index of each row (binary: 1 = positive). */
  public TrainingData(
      List<String> features, double[][] trainX, int[] trainY, double[][] valX, int[] valY) {
    this(features, trainX, toDouble(trainY, "trainY"), valX, toDouble(valY, "valY"));
  }

  /**
   * The class indices of {@code y}, checked to lie in {@code [0, classes)}; {@code binary} words
   * the error as binary labels.
   */
  static int[] classIndices(String name, double[] y, int classes, boolean binary) {
    int[] out = new int[y.length];
    for (int i = 0; i < y.length; i++) {
      double v = y[i];
      if (v != Math.rint(v) || v < 0 || v >= classes) {
        throw new IllegalArgumentException(
            name
                + "["
                + i
                + "] is "
                + v
                + (binary
                    ? ", expected 0 or 1"
                    : ", expected a class index in [0, " + classes + ")"));
      }
      out[i] = (int) v;
    }
    return out;
  }

  private static double[] toDouble(int[] y, String name) {
    Objects.requireNonNull(y, name);
    double[] out = new double[y.length];
    for (int i = 0; i < y.length; i++) {
      out[i] = y[i];
    }
    return out;
  }

  private static void checkFinite(String name, double[] y) {
    for (int i = 0; i < y.length; i++) {
      if (!Double.isFinite(y[i])) {
        throw new IllegalArgumentException(name + "[" + i + "] is " + y[i] + ", expected a number");
      }
    }
  }
}
