package io.trainyard.stats;

import java.util.Arrays;

/**
 * Percentiles defined exactly as {@code numpy.percentile(a, q)} with its default {@code
 * method='linear'} (Hyndman and Fan's definition 7, also R's default): for the sorted values {@code
 * x[0..n-1]} the {@code q}-th percentile is at the virtual index {@code h = (n - 1) * q / 100},
 * interpolated linearly between {@code x[floor(h)]} and {@code x[floor(h) + 1]}.
 *
 * <p>The interpolation repeats numpy's {@code _lerp} operation for operation, so results agree with
 * numpy to the last bit: {@code a + (b - a) * t} when {@code t < 0.5}, else {@code b - (b - a) * (1
 * - t)}.
 */
public final class Quantiles {

  private Quantiles() {}

  /**
   * The {@code q}-th percentile of {@code values}, ignoring {@code NaN}s ({@code
   * numpy.nanpercentile(values, q)}).
   *
   * @param q the percentile, in [0, 100]
   * @throws IllegalArgumentException when {@code values} is null, holds no value other than {@code
   *     NaN}, holds an infinite value, or {@code q} is outside [0, 100]
   */
  public static double percentile(double[] values, double q) {
    return percentileOfSorted(sortedFinite(values), q);
  }

  /**
   * The {@code q}-th percentile of values already sorted ascending, all finite.
   *
   * @throws IllegalArgumentException when {@code sorted} is null or empty, or {@code q} is outside
   *     [0, 100]
   */
  public static double percentileOfSorted(double[] sorted, double q) {
    if (sorted == null || sorted.length == 0) {
      throw new IllegalArgumentException("percentile of no values");
    }
    if (!(q >= 0 && q <= 100)) {
      throw new IllegalArgumentException("percentile must be in [0, 100], but is " + q);
    }
    int n = sorted.length;
    double h = (n - 1) * (q / 100.0);
    int below = (int) Math.floor(h);
    if (below >= n - 1) {
      return sorted[n - 1];
    }
    double t = h - below;
    return lerp(sorted[below], sorted[below + 1], t);
  }

  /**
   * The values without {@code NaN}s, sorted ascending.
   *
   * @throws IllegalArgumentException when {@code values} is null, or holds no value other than
   *     {@code NaN}, or an infinite value
   */
  static double[] sortedFinite(double[] values) {
    return sortedFinite(values, "values");
  }

  /**
   * The values without {@code NaN}s, sorted ascending, with {@code name} in the messages.
   *
   * @throws IllegalArgumentException when {@code values} is null, or holds no value other than
   *     {@code NaN}, or an infinite value
   */
  static double[] sortedFinite(double[] values, String name) {
    if (values == null) {
      throw new IllegalArgumentException(name + " is null");
    }
    double[] finite = new double[values.length];
    int n = 0;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (Double.isNaN(v)) {
        continue;
      }
      if (Double.isInfinite(v)) {
        throw new IllegalArgumentException(
            name + "[" + i + "] is " + v + "; " + name + " must be finite");
      }
      finite[n++] = v;
    }
    if (n == 0) {
      throw new IllegalArgumentException(
          name + " holds no number (" + values.length + " values, all NaN or none)");
    }
    double[] sorted = Arrays.copyOf(finite, n);
    Arrays.sort(sorted);
    return sorted;
  }

  /** numpy's {@code _lerp(a, b, t)}. */
  static double lerp(double a, double b, double t) {
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }
}
