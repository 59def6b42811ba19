package io.trainyard.stats;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Percentile bootstrap confidence intervals (Efron & Tibshirani, 1993, ch. 13): the metric is
 * computed on {@code resamples} samples of the rows drawn with replacement, and the interval is the
 * {@code (1 - level) / 2} and {@code (1 + level) / 2} percentiles (numpy's linear interpolation) of
 * those values. Draws come from a {@link SplittableRandom} seeded with {@code seed}, so the same
 * data and seed give the same interval. A resample on which the metric is undefined (it throws
 * {@link IllegalArgumentException}, say ROC AUC on one class) is left out and counted.
 */
public final class Bootstrap {

  /** The resamples evaluation uses. */
  public static final int RESAMPLES = 1000;

  private Bootstrap() {}

  /**
   * An interval.
   *
   * @param low the lower bound
   * @param high the upper bound
   * @param level the confidence level, such as 0.95
   * @param resamples the resamples drawn
   * @param undefined how many of them the metric was undefined on
   */
  public record Interval(double low, double high, double level, int resamples, int undefined) {}

  /**
   * The interval of {@code metric}, which computes the figure on the rows whose indices (into the
   * caller's {@code n} rows, with repeats) it is given.
   *
   * @throws IllegalArgumentException when {@code n} or {@code resamples} is below 1, the level is
   *     not in (0, 1), or the metric is undefined on every resample
   */
  public static Interval interval(
      int n, int resamples, double level, long seed, Function<int[], Double> metric) {
    if (n < 1 || resamples < 1 || !(level > 0 && level < 1)) {
      throw new IllegalArgumentException(
          "a bootstrap needs rows, resamples and a level in (0, 1): "
              + n
              + ", "
              + resamples
              + ", "
              + level);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] values = new double[resamples];
    int defined = 0;
    int[] sample = new int[n];
    for (int b = 0; b < resamples; b++) {
      for (int i = 0; i < n; i++) {
        sample[i] = random.nextInt(n);
      }
      try {
        values[defined] = metric.apply(sample);
        defined++;
      } catch (IllegalArgumentException undefined) {
        // left out, counted below
      }
    }
    if (defined == 0) {
      throw new IllegalArgumentException("the metric is undefined on every bootstrap resample");
    }
    double[] sorted = Arrays.copyOf(values, defined);
    Arrays.sort(sorted);
    return new Interval(
        Quantiles.percentileOfSorted(sorted, 100 * (1 - level) / 2),
        Quantiles.percentileOfSorted(sorted, 100 * (1 + level) / 2),
        level,
        resamples,
        resamples - defined);
  }
}
