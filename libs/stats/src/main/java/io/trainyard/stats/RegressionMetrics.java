package io.trainyard.stats;

/**
 * Regression metrics, each defined exactly as in scikit-learn (single output, no sample weights).
 * Every method throws {@link IllegalArgumentException} naming the argument and element when the
 * arrays are {@code null}, empty, of different lengths, or hold a value that is not finite.
 *
 * <ul>
 *   <li>{@link #mse}: {@code mean_squared_error}
 *   <li>{@link #rmse}: {@code root_mean_squared_error}, i.e. {@code sqrt(mean_squared_error)}
 *   <li>{@link #mae}: {@code mean_absolute_error}
 *   <li>{@link #r2}: {@code r2_score} (with its default {@code force_finite=True})
 * </ul>
 */
public final class RegressionMetrics {

  private RegressionMetrics() {}

  /** {@code mean((yTrue - yPred)^2)} ({@code mean_squared_error}). */
  public static double mse(double[] yTrue, double[] yPred) {
    check(yTrue, yPred);
    double sum = 0.0;
    for (int i = 0; i < yTrue.length; i++) {
      double d = yTrue[i] - yPred[i];
      sum += d * d;
    }
    return sum / yTrue.length;
  }

  /**
   * {@code mean(|yTrue - yPred| / max(|yTrue|, eps))} with {@code eps} float64's machine epsilon
   * ({@code mean_absolute_percentage_error}: a fraction, not a percentage; a true value of 0 gives
   * a huge term rather than an infinite one).
   */
  public static double mape(double[] yTrue, double[] yPred) {
    check(yTrue, yPred);
    double eps = Math.ulp(1.0);
    double sum = 0.0;
    for (int i = 0; i < yTrue.length; i++) {
      sum += Math.abs(yPred[i] - yTrue[i]) / Math.max(Math.abs(yTrue[i]), eps);
    }
    return sum / yTrue.length;
  }

  /** {@code median(|yTrue - yPred|)} ({@code median_absolute_error}; numpy's median). */
  public static double medianAbsoluteError(double[] yTrue, double[] yPred) {
    check(yTrue, yPred);
    double[] errors = new double[yTrue.length];
    for (int i = 0; i < errors.length; i++) {
      errors[i] = Math.abs(yTrue[i] - yPred[i]);
    }
    return Quantiles.percentile(errors, 50);
  }

  /** {@code sqrt(mse)} ({@code root_mean_squared_error}). */
  public static double rmse(double[] yTrue, double[] yPred) {
    return Math.sqrt(mse(yTrue, yPred));
  }

  /** {@code mean(|yTrue - yPred|)} ({@code mean_absolute_error}). */
  public static double mae(double[] yTrue, double[] yPred) {
    check(yTrue, yPred);
    double sum = 0.0;
    for (int i = 0; i < yTrue.length; i++) {
      sum += Math.abs(yTrue[i] - yPred[i]);
    }
    return sum / yTrue.length;
  }

  /**
   * The coefficient of determination {@code 1 - SS_res / SS_tot} ({@code r2_score}), with {@code
   * SS_res = Σ (yTrue - yPred)^2} and {@code SS_tot = Σ (yTrue - mean(yTrue))^2}. As scikit-learn
   * with {@code force_finite=True}, a constant {@code yTrue} ({@code SS_tot = 0}) gives 1.0 for a
   * perfect prediction and 0.0 otherwise. It may be negative (a model worse than the mean).
   */
  public static double r2(double[] yTrue, double[] yPred) {
    check(yTrue, yPred);
    double mean = 0.0;
    for (double y : yTrue) {
      mean += y;
    }
    mean /= yTrue.length;
    double residual = 0.0;
    double total = 0.0;
    for (int i = 0; i < yTrue.length; i++) {
      double d = yTrue[i] - yPred[i];
      residual += d * d;
      double t = yTrue[i] - mean;
      total += t * t;
    }
    if (total == 0.0) {
      return residual == 0.0 ? 1.0 : 0.0;
    }
    return 1.0 - residual / total;
  }

  private static void check(double[] yTrue, double[] yPred) {
    if (yTrue == null) {
      throw new IllegalArgumentException("yTrue must not be null");
    }
    if (yPred == null) {
      throw new IllegalArgumentException("yPred must not be null");
    }
    if (yTrue.length == 0) {
      throw new IllegalArgumentException("yTrue must not be empty");
    }
    if (yPred.length != yTrue.length) {
      throw new IllegalArgumentException(
          "yPred has " + yPred.length + " elements, yTrue has " + yTrue.length);
    }
    for (int i = 0; i < yTrue.length; i++) {
      if (!Double.isFinite(yTrue[i])) {
        throw new IllegalArgumentException("yTrue[" + i + "] is not finite: " + yTrue[i]);
      }
      if (!Double.isFinite(yPred[i])) {
        throw new IllegalArgumentException("yPred[" + i + "] is not finite: " + yPred[i]);
      }
    }
  }
}
