package io.trainyard.models;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The preprocessing a model was trained with, fitted on the training split only and applied
 * unchanged to every row the model scores: missing values ({@code NaN}) are filled with the
 * training median of the feature, then the feature is standardised as scikit-learn's {@code
 * StandardScaler} does, {@code (x - mean) / scale}.
 *
 * @param features the feature names, in column order: the model's input signature
 * @param fill per feature, the value that replaces {@code NaN}: the median of the non-missing
 *     training values (0 when every value is missing)
 * @param mean per feature, the mean of the filled training values
 * @param scale per feature, the population standard deviation (ddof 0) of the filled training
 *     values, or 1 when that is 0 (a constant feature)
 */
public record Preprocessing(List<String> features, double[] fill, double[] mean, double[] scale) {

  public Preprocessing {
    features = List.copyOf(Objects.requireNonNull(features, "features"));
    fill = Objects.requireNonNull(fill, "fill").clone();
    mean = Objects.requireNonNull(mean, "mean").clone();
    scale = Objects.requireNonNull(scale, "scale").clone();
    int n = features.size();
    if (fill.length != n || mean.length != n || scale.length != n) {
      throw new IllegalArgumentException(
          "fill, mean and scale must have one value per feature ("
              + n
              + "), got "
              + fill.length
              + ", "
              + mean.length
              + ", "
              + scale.length);
    }
    for (int j = 0; j < n; j++) {
      if (!Double.isFinite(fill[j]) || !Double.isFinite(mean[j]) || !Double.isFinite(scale[j])) {
        throw new IllegalArgumentException("non-finite preprocessing of " + features.get(j));
      }
      if (scale[j] == 0) {
        throw new IllegalArgumentException("scale of " + features.get(j) + " is 0");
      }
    }
  }

  /**
   * Fits the preprocessing on the training rows.
   *
   * @param features the feature names, one per column
   * @param trainX the training rows, {@code NaN} where a value is missing; not modified
   */
  public static Preprocessing fit(List<String> features, double[][] trainX) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(trainX, "trainX");
    int n = features.size();
    checkWidth(trainX, n);
    int rows = trainX.length;
    double[] fill = new double[n];
    double[] mean = new double[n];
    double[] scale = new double[n];
    double[] column = new double[rows];
    for (int j = 0; j < n; j++) {
      int present = 0;
      for (double[] row : trainX) {
        if (!Double.isNaN(row[j])) {
          column[present++] = row[j];
        }
      }
      fill[j] = median(column, present);
      if (rows == 0) {
        mean[j] = 0;
        scale[j] = 1;
        continue;
      }
      double sum = 0;
      for (double[] row : trainX) {
        sum += Double.isNaN(row[j]) ? fill[j] : row[j];
      }
      double m = sum / rows;
      double squares = 0;
      for (double[] row : trainX) {
        double d = (Double.isNaN(row[j]) ? fill[j] : row[j]) - m;
        squares += d * d;
      }
      double std = Math.sqrt(squares / rows);
      mean[j] = m;
      // As scikit-learn: a standard deviation that is 0 up to rounding means a constant feature.
      scale[j] = std <= 10 * Math.ulp(1.0) * Math.max(1.0, Math.abs(m)) ? 1.0 : std;
    }
    return new Preprocessing(features, fill, mean, scale);
  }

  /**
   * Fills missing values and standardises; returns new arrays, {@code raw} is not modified.
   *
   * @throws IllegalArgumentException when a row does not have one value per feature
   */
  public double[][] apply(double[][] raw) {
    Objects.requireNonNull(raw, "raw");
    int n = features.size();
    checkWidth(raw, n);
    double[][] out = new double[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      double[] row = raw[i];
      double[] x = new double[n];
      for (int j = 0; j < n; j++) {
        double v = Double.isNaN(row[j]) ? fill[j] : row[j];
        x[j] = (v - mean[j]) / scale[j];
      }
      out[i] = x;
    }
    return out;
  }

  @Override
  public double[] fill() {
    return fill.clone();
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] scale() {
    return scale.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Preprocessing p
        && features.equals(p.features)
        && Arrays.equals(fill, p.fill)
        && Arrays.equals(mean, p.mean)
        && Arrays.equals(scale, p.scale);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        features, Arrays.hashCode(fill), Arrays.hashCode(mean), Arrays.hashCode(scale));
  }

  @Override
  public String toString() {
    return "Preprocessing[features="
        + features
        + ", fill="
        + Arrays.toString(fill)
        + ", mean="
        + Arrays.toString(mean)
        + ", scale="
        + Arrays.toString(scale)
        + "]";
  }

  private static double median(double[] values, int count) {
    if (count == 0) {
      return 0;
    }
    double[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    int mid = count / 2;
    return count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  private static void checkWidth(double[][] rows, int n) {
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] == null || rows[i].length != n) {
        throw new IllegalArgumentException(
            "row "
                + i
                + " has "
                + (rows[i] == null ? "no" : String.valueOf(rows[i].length))
                + " values, expected one per feature ("
                + n
                + ")");
      }
    }
  }
}
