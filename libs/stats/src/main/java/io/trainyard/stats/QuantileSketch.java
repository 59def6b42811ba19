package io.trainyard.stats;

import java.util.Arrays;

/**
 * A fixed-size summary of a numeric sample (the reference split of a feature), from which {@link
 * KolmogorovSmirnov#fromSketch} and {@link Wasserstein#distance(QuantileSketch, double[])} compare
 * current values without the raw reference. It is stored as JSON: its components are all there is.
 *
 * <p>{@code quantiles[i]} is the sample's quantile at probability level {@code i / (K - 1)}, {@code
 * i = 0..K-1} ({@code K = quantiles.length}), computed as {@code numpy.quantile(values, i / (K -
 * 1))} with numpy's default linear interpolation ({@code method='linear'}, Hyndman and Fan's
 * definition 7), so {@code quantiles[0]} is the minimum and {@code quantiles[K - 1]} the maximum.
 *
 * <h2>The sketch's CDF ({@link #cdf})</h2>
 *
 * Between consecutive quantiles the CDF is linear: it is the inverse of the piecewise-linear
 * quantile function through the points {@code (i / (K - 1), quantiles[i])}; 0 below the minimum, 1
 * at and above the maximum. Two refinements keep it close to the sample's empirical CDF, which is
 * what the KS and Wasserstein comparisons against a sketch approximate:
 *
 * <ol>
 *   <li><b>Point masses.</b> A run of equal quantiles {@code quantiles[i..j] = c} is a value the
 *       sample holds many times: the CDF jumps at {@code c} from {@code i / (K - 1)} (its left
 *       limit) to {@code j / (K - 1)}. Between two such runs:
 *       <ul>
 *         <li>when the only quantiles between them (or between a run and the minimum or maximum)
 *             all lie on the one straight step of numpy's interpolation from the last {@code c} to
 *             the first {@code c'} of the sorted sample (for integer data, typically a single
 *             quantile like 3.4 between a run of 3s and a run of 4s), the sample has no value in
 *             between: the CDF stays flat on {@code [c, c')} at the level {@code (k + 1) / count}
 *             that step reveals ({@code k} the index of the last {@code c}), the exact value;
 *         <li>when no quantile lies between two runs, the sample steps from {@code c} to {@code c'}
 *             somewhere between their levels: the CDF stays flat at the midpoint of the two levels.
 *       </ul>
 *       Integer data with many ties thus keeps its CDF at its values to within half a level ({@code
 *       0.5 / (K - 1)}), exactly where a quantile falls inside a step.
 *   <li><b>Tails.</b> A straight line from the last quantile but one to the maximum spreads the
 *       outer {@code 1 / (K - 1)} of probability evenly up to the extreme value, which overstates a
 *       long tail (and likewise at the minimum). When that outer segment holds on average at least
 *       10 values ({@code count - 1 ≥ 10 (K - 1)}), {@code K ≥ 4}, and no point mass sits at the
 *       extreme, the segment's CDF is that of a truncated exponential tail: its scale first
 *       continues the local density ({@code (spacing of the adjacent pair of quantiles) / ln 2};
 *       each halving of an exponential tail's probability adds {@code scale · ln 2}), then both
 *       tails are adjusted, in proportion to their widths and within what a decreasing density
 *       allows, so that the CDF's mean matches {@link #mean} (as numpy's interpolated quantile
 *       function has it, {@code (count · mean - (min + max) / 2) / (count - 1)}). The tail is
 *       evaluated through its points of tail probability {@code 2^-1, 2^-2, ..., 2^-24} of the
 *       segment, linearly between them.
 * </ol>
 *
 * @param count the number of values summarised ({@code NaN}s left out), at least 1
 * @param mean their mean ({@code numpy.mean})
 * @param std their population standard deviation ({@code numpy.std}, {@code ddof=0})
 * @param quantiles the quantiles at levels {@code i / (K - 1)}, ascending, at least 2
 */
public record QuantileSketch(long count, double mean, double std, double[] quantiles) {

  /** The number of quantiles drift monitoring keeps: levels 0, 0.001, ..., 1. */
  public static final int DEFAULT_POINTS = 1001;

  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException when {@code count < 1}, {@code mean} is not finite, {@code
   *     std} is not finite or negative, or {@code quantiles} is null, has fewer than 2 entries,
   *     holds a value that is not finite, or is not ascending
   */
  public QuantileSketch {
    if (count < 1) {
      throw new IllegalArgumentException(
          "a sketch summarises at least 1 value, but count is " + count);
    }
    if (!Double.isFinite(mean)) {
      throw new IllegalArgumentException("mean must be finite, but is " + mean);
    }
    if (!(std >= 0) || Double.isInfinite(std)) {
      throw new IllegalArgumentException("std must be finite and not negative, but is " + std);
    }
    if (quantiles == null || quantiles.length < 2) {
      throw new IllegalArgumentException(
          "a sketch needs at least 2 quantiles (the minimum and the maximum), but has "
              + (quantiles == null ? "none" : String.valueOf(quantiles.length)));
    }
    quantiles = quantiles.clone();
    for (int i = 0; i < quantiles.length; i++) {
      if (!Double.isFinite(quantiles[i])) {
        throw new IllegalArgumentException(
            "quantiles[" + i + "] is " + quantiles[i] + "; quantiles must be finite");
      }
      if (i > 0 && quantiles[i] < quantiles[i - 1]) {
        throw new IllegalArgumentException(
            "quantiles must be ascending, but quantiles["
                + i
                + "] = "
                + quantiles[i]
                + " follows "
                + quantiles[i - 1]);
      }
    }
  }

  /**
   * The sketch of {@code values} with {@code points} quantiles; {@code NaN}s are ignored.
   *
   * @param points the number of quantiles {@code K}, at least 2 ({@link #DEFAULT_POINTS} for drift
   *     monitoring)
   * @throws IllegalArgumentException when {@code values} is null, holds no value other than {@code
   *     NaN}, or holds an infinite value, or when {@code points < 2}
   */
  public static QuantileSketch of(double[] values, int points) {
    if (points < 2) {
      throw new IllegalArgumentException(
          "a sketch needs at least 2 points (the minimum and the maximum), got " + points);
    }
    double[] sorted = Quantiles.sortedFinite(values);
    double[] quantiles = new double[points];
    for (int i = 0; i < points; i++) {
      quantiles[i] = quantileOfSorted(sorted, level(i, points));
    }
    double[] moments = meanAndStd(sorted);
    return new QuantileSketch(sorted.length, moments[0], moments[1], quantiles);
  }

  /**
   * The sketch's CDF at {@code x}, {@code P(X ≤ x)} (see the class comment): 0 below the minimum, 1
   * at and above the maximum, {@code NaN} for {@code NaN}. The CDF's knots take {@code O(K)} to
   * build; they are kept for the sketch last asked, so a loop over one sketch costs {@code O(log
   * K)} a call.
   */
  public double cdf(double x) {
    if (Double.isNaN(x)) {
      return Double.NaN;
    }
    LastCdf last = lastCdf;
    if (last == null || last.sketch() != this) {
      last = new LastCdf(this, SketchCdf.of(this));
      lastCdf = last;
    }
    return last.cdf().cdf(x);
  }

  /** The knots of the sketch whose {@link #cdf} was called last (any thread). */
  private static volatile LastCdf lastCdf;

  private record LastCdf(QuantileSketch sketch, SketchCdf cdf) {}

  /** A copy of the quantiles (the record keeps its own). */
  @Override
  public double[] quantiles() {
    return quantiles.clone();
  }

  /** The quantiles without a copy, for this package's read-only use. */
  double[] knots() {
    return quantiles;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof QuantileSketch s
        && count == s.count
        && Double.compare(mean, s.mean) == 0
        && Double.compare(std, s.std) == 0
        && Arrays.equals(quantiles, s.quantiles);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * (31 * Long.hashCode(count) + Double.hashCode(mean)) + Double.hashCode(std))
        + Arrays.hashCode(quantiles);
  }

  @Override
  public String toString() {
    return "QuantileSketch[count="
        + count
        + ", mean="
        + mean
        + ", std="
        + std
        + ", quantiles="
        + quantiles.length
        + " from "
        + quantiles[0]
        + " to "
        + quantiles[quantiles.length - 1]
        + "]";
  }

  /** The probability level of quantile {@code i} of {@code points}: {@code i / (points - 1)}. */
  static double level(int i, int points) {
    return (double) i / (points - 1);
  }

  /**
   * {@code numpy.quantile(sorted, p)} with the default linear method: the virtual index {@code (n -
   * 1) * p}, interpolated by numpy's {@code _lerp}.
   */
  static double quantileOfSorted(double[] sorted, double p) {
    int n = sorted.length;
    double h = (n - 1) * p;
    int below = (int) Math.floor(h);
    if (below >= n - 1) {
      return sorted[n - 1];
    }
    return Quantiles.lerp(sorted[below], sorted[below + 1], h - below);
  }

  /**
   * {@code {numpy.mean(x), numpy.std(x)}} (population standard deviation) of finite values, by two
   * passes with compensated sums.
   */
  static double[] meanAndStd(double[] values) {
    int n = values.length;
    double sum = 0;
    double compensation = 0;
    for (double v : values) {
      double t = sum + v;
      compensation += Math.abs(sum) >= Math.abs(v) ? (sum - t) + v : (v - t) + sum;
      sum = t;
    }
    double mean = (sum + compensation) / n;
    double squares = 0;
    compensation = 0;
    for (double v : values) {
      double d = (v - mean) * (v - mean);
      double t = squares + d;
      compensation += squares >= d ? (squares - t) + d : (d - t) + squares;
      squares = t;
    }
    return new double[] {mean, Math.sqrt((squares + compensation) / n)};
  }
}
