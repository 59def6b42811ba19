package io.trainyard.stats;

import java.util.Arrays;

/**
 * The population stability index (PSI) of a numeric feature: how far the distribution of current
 * values moved from a reference (the training split), over the reference's decile bins.
 *
 * <h2>Definition</h2>
 *
 * <ol>
 *   <li><b>Edges</b> ({@link #decileEdges}): the 10th, 20th, ..., 90th percentiles of the reference
 *       ({@code numpy.percentile} with its default linear interpolation, {@code NaN}s ignored),
 *       equal edges collapsed into one. With {@code k} distinct edges {@code e1 < ... < ek} there
 *       are {@code k + 1} bins.
 *   <li><b>Bins are closed on the right</b>: {@code (-inf, e1], (e1, e2], ..., (ek, +inf)}. A value
 *       {@code v} falls in bin {@code i} = the number of edges strictly below {@code v} ({@code
 *       numpy.searchsorted(edges, v, side='left')}, or {@code numpy.digitize(v, edges,
 *       right=True)}). A value equal to an edge belongs to the bin that edge closes, so a discrete
 *       feature (0/1, hours) keeps each value that is an edge in a bin of its own.
 *   <li><b>Proportions</b> ({@link #proportions}): each bin's count over the number of values that
 *       are not {@code NaN}.
 *   <li><b>PSI</b> ({@link #psi}): {@code sum over bins of (r - c) * ln(r / c)}, with {@code r} the
 *       reference proportion and {@code c} the current one, after flooring both: every proportion
 *       below {@value #FLOOR} (0 in particular) counts as {@value #FLOOR}. Proportions are not
 *       renormalised after flooring. PSI is 0 for identical proportions and positive otherwise.
 * </ol>
 *
 * <p>Rule of thumb (Siddiqi, <i>Credit Risk Scorecards</i>, 2006): below 0.1 no significant change,
 * 0.1 to 0.25 a moderate change, {@value #DRIFTED} or more a significant shift.
 */
public final class Psi {

  /** The floor of every proportion, so that an empty bin does not make the index infinite. */
  public static final double FLOOR = 1e-4;

  /** The PSI at and above which a feature is conventionally said to have drifted. */
  public static final double DRIFTED = 0.25;

  /** The percentiles whose values are the inner edges: 10, 20, ..., 90. */
  static final double[] DECILES = {10, 20, 30, 40, 50, 60, 70, 80, 90};

  private Psi() {}

  /**
   * The inner bin edges of {@code reference}: its 10th to 90th percentiles ({@code
   * numpy.percentile(reference[~isnan(reference)], [10, 20, ..., 90])}), ascending, with equal
   * values collapsed; 1 to 9 edges.
   *
   * @throws IllegalArgumentException when {@code reference} is null, holds no value other than
   *     {@code NaN}, or holds an infinite value
   */
  public static double[] decileEdges(double[] reference) {
    double[] sorted = Quantiles.sortedFinite(reference);
    double[] edges = new double[DECILES.length];
    int k = 0;
    for (double q : DECILES) {
      double edge = Quantiles.percentileOfSorted(sorted, q);
      if (k == 0 || edge > edges[k - 1]) {
        edges[k++] = edge;
      }
    }
    return Arrays.copyOf(edges, k);
  }

  /**
   * The bin of {@code value} among {@code edges.length + 1} right-closed bins: the number of edges
   * strictly below it (0 for {@code value <= edges[0]}, {@code edges.length} above the last).
   *
   * @throws IllegalArgumentException when {@code value} is {@code NaN} or {@code edges} are invalid
   *     (see {@link #proportions})
   */
  public static int bin(double value, double[] edges) {
    checkEdges(edges);
    if (Double.isNaN(value)) {
      throw new IllegalArgumentException("a NaN value has no bin");
    }
    return lowerBound(edges, value);
  }

  /**
   * The share of the values in each of the {@code edges.length + 1} right-closed bins; {@code NaN}
   * values are ignored (they count neither in a bin nor in the total).
   *
   * @param edges the inner edges, strictly ascending and finite (as {@link #decileEdges} returns)
   * @throws IllegalArgumentException when an argument is null, {@code edges} are not strictly
   *     ascending and finite, or {@code values} holds no value other than {@code NaN}
   */
  public static double[] proportions(double[] values, double[] edges) {
    if (values == null) {
      throw new IllegalArgumentException("values is null");
    }
    checkEdges(edges);
    long[] counts = new long[edges.length + 1];
    for (double v : values) {
      if (!Double.isNaN(v)) {
        counts[lowerBound(edges, v)]++;
      }
    }
    long total = Arrays.stream(counts).sum();
    if (total == 0) {
      throw new IllegalArgumentException(
          "values holds no number (" + values.length + " values, all NaN or none)");
    }
    return proportions(counts);
  }

  /**
   * Counts per bin as shares of their sum; all zeros when every count is 0 (nothing observed).
   *
   * @throws IllegalArgumentException when {@code counts} is null or empty, or a count is negative
   */
  public static double[] proportions(long[] counts) {
    if (counts == null || counts.length == 0) {
      throw new IllegalArgumentException("counts is null or empty");
    }
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException("counts[" + i + "] is negative: " + counts[i]);
      }
      total += counts[i];
    }
    double[] shares = new double[counts.length];
    if (total == 0) {
      return shares;
    }
    for (int i = 0; i < counts.length; i++) {
      shares[i] = (double) counts[i] / total;
    }
    return shares;
  }

  /**
   * The population stability index of two proportion vectors over the same bins: {@code sum (r - c)
   * * ln(r / c)} with every proportion floored at {@value #FLOOR}.
   *
   * @param reference the reference proportions (training), one per bin
   * @param current the current proportions (production window), one per bin
   * @throws IllegalArgumentException when an argument is null or empty, the lengths differ, or a
   *     proportion is not a number in [0, 1]
   */
  public static double psi(double[] reference, double[] current) {
    if (reference == null || current == null) {
      throw new IllegalArgumentException("reference and current must not be null");
    }
    if (reference.length == 0 || reference.length != current.length) {
      throw new IllegalArgumentException(
          "reference and current must give one proportion per bin, but have "
              + reference.length
              + " and "
              + current.length);
    }
    double sum = 0;
    for (int i = 0; i < reference.length; i++) {
      double r = floor(checkProportion(reference[i], "reference", i));
      double c = floor(checkProportion(current[i], "current", i));
      sum += (r - c) * Math.log(r / c);
    }
    return sum;
  }

  private static double floor(double p) {
    return Math.max(p, FLOOR);
  }

  private static double checkProportion(double p, String name, int i) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(
          name + "[" + i + "] is " + p + "; a proportion must be in [0, 1]");
    }
    return p;
  }

  private static void checkEdges(double[] edges) {
    if (edges == null) {
      throw new IllegalArgumentException("edges is null");
    }
    for (int i = 0; i < edges.length; i++) {
      if (!Double.isFinite(edges[i])) {
        throw new IllegalArgumentException("edges[" + i + "] is " + edges[i] + "; must be finite");
      }
      if (i > 0 && !(edges[i] > edges[i - 1])) {
        throw new IllegalArgumentException(
            "edges must be strictly ascending, but edges["
                + i
                + "] = "
                + edges[i]
                + " follows "
                + edges[i - 1]);
      }
    }
  }

  /** The number of edges strictly below {@code value}. */
  private static int lowerBound(double[] edges, double value) {
    int lo = 0;
    int hi = edges.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (edges[mid] < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
