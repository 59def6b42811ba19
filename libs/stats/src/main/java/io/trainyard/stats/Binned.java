package io.trainyard.stats;

/**
 * Drift statistics of binned data: two distributions given as counts (or weights) over the same
 * bins, in the same order, such as the reference's and the current window's counts per category or
 * per bin of shared edges.
 *
 * <ul>
 *   <li>{@link #jensenShannonDistance}: {@code scipy.spatial.distance.jensenshannon(p, q)} (SciPy
 *       1.10.1, {@code base=None}: natural logarithm, so the distance lies in {@code [0, √ln 2]} ≈
 *       [0, 0.8326])
 *   <li>{@link #chiSquare}: Evidently's {@code chisquare} stattest, Pearson's chi-squared test of
 *       the current counts against the reference proportions, {@code scipy.stats.chisquare(f_obs,
 *       f_exp)}
 *   <li>{@link #psi}: the population stability index of the two count vectors, {@link Psi#psi} over
 *       {@link Psi#proportions(long[])}
 * </ul>
 *
 * <p>Arguments are checked: {@code null}, empty or unequal-length vectors, negative (or, for
 * weights, non-finite) entries, and a vector with nothing in it throw {@link
 * IllegalArgumentException}.
 */
public final class Binned {

  private Binned() {}

  /**
   * The Jensen-Shannon distance of two distributions over the same bins, {@code
   * scipy.spatial.distance.jensenshannon(p, q)}: {@code p} and {@code q} are normalised to sum 1,
   * {@code m = (p + q) / 2}, and the distance is {@code √((KL(p ‖ m) + KL(q ‖ m)) / 2)} with the
   * natural logarithm ({@code rel_entr}, {@code 0 ln 0 = 0}). A sum that rounding makes negative
   * (by 1e-17 or so, for nearly equal inputs; SciPy then returns {@code nan}) counts as 0.
   *
   * @param p the weights of the first distribution (counts or proportions), not negative
   * @param q the weights of the second, over the same bins
   * @throws IllegalArgumentException on invalid arguments, or when either sums to 0
   */
  public static double jensenShannonDistance(double[] p, double[] q) {
    checkLengths(p == null ? -1 : p.length, q == null ? -1 : q.length, "p", "q");
    double sp = sum(p, "p");
    double sq = sum(q, "q");
    double left = 0;
    double right = 0;
    for (int i = 0; i < p.length; i++) {
      double pi = p[i] / sp;
      double qi = q[i] / sq;
      double m = (pi + qi) / 2.0;
      left += relEntr(pi, m);
      right += relEntr(qi, m);
    }
    double js = left + right;
    return Math.sqrt(Math.max(js / 2.0, 0.0));
  }

  /**
   * {@link #jensenShannonDistance(double[], double[])} of two count vectors.
   *
   * @throws IllegalArgumentException on invalid arguments, or when either has no counts
   */
  public static double jensenShannonDistance(long[] p, long[] q) {
    checkLengths(p == null ? -1 : p.length, q == null ? -1 : q.length, "p", "q");
    checkCounts(p, "p");
    checkCounts(q, "q");
    return jensenShannonDistance(toDouble(p), toDouble(q));
  }

  /**
   * Pearson's chi-squared test of the current counts against the reference's proportions, as
   * Evidently's {@code chisquare} stattest computes it: {@code scipy.stats.chisquare(f_obs=current,
   * f_exp=reference * (current.sum() / reference.sum()))}, the statistic {@code Σ (o - e)² / e} and
   * the p-value {@code chi2.sf(statistic, bins - 1)}.
   *
   * <p>Bins that are empty in both vectors are dropped first (Evidently only has the categories
   * that occur in either sample; SciPy would turn them into {@code 0/0 = nan}), and {@code bins}
   * counts the bins kept. A bin that is empty in the reference but not in the current window has an
   * expected count of 0: the statistic is {@code +∞} and the p-value 0, as SciPy computes them.
   * With a single bin kept the statistic is 0 and the p-value {@code NaN} (0 degrees of freedom, as
   * SciPy).
   *
   * @throws IllegalArgumentException on invalid arguments, or when either vector has no counts
   */
  public static TestResult chiSquare(long[] current, long[] reference) {
    checkLengths(
        current == null ? -1 : current.length,
        reference == null ? -1 : reference.length,
        "current",
        "reference");
    long currentTotal = checkCounts(current, "current");
    long referenceTotal = checkCounts(reference, "reference");
    double scale = (double) currentTotal / referenceTotal;
    double statistic = 0;
    int bins = 0;
    for (int i = 0; i < current.length; i++) {
      if (current[i] == 0 && reference[i] == 0) {
        continue;
      }
      bins++;
      double expected = reference[i] * scale;
      double difference = current[i] - expected;
      statistic += difference * difference / expected;
    }
    if (bins == 1) {
      return new TestResult(statistic, Double.NaN);
    }
    return new TestResult(statistic, Distributions.chi2Sf(statistic, bins - 1));
  }

  /**
   * The population stability index of two count vectors over the same bins: {@code
   * Psi.psi(Psi.proportions(reference), Psi.proportions(current))}, i.e. {@code Σ (r - c) ln(r /
   * c)} over the proportions, each floored at {@value Psi#FLOOR}. That equals {@code Σ rel_entr(c,
   * r) + rel_entr(r, c)}, the symmetrised Kullback-Leibler divergence.
   *
   * @throws IllegalArgumentException on invalid arguments, or when either vector has no counts
   */
  public static double psi(long[] reference, long[] current) {
    checkLengths(
        reference == null ? -1 : reference.length,
        current == null ? -1 : current.length,
        "reference",
        "current");
    checkCounts(reference, "reference");
    checkCounts(current, "current");
    return Psi.psi(Psi.proportions(reference), Psi.proportions(current));
  }

  /** {@code scipy.special.rel_entr(x, y)} for {@code x ≥ 0}, {@code y > 0} or both 0. */
  private static double relEntr(double x, double y) {
    if (x > 0 && y > 0) {
      return x * Math.log(x / y);
    }
    if (x == 0 && y >= 0) {
      return 0.0;
    }
    return Double.POSITIVE_INFINITY;
  }

  private static void checkLengths(int a, int b, String nameA, String nameB) {
    if (a < 0 || b < 0) {
      throw new IllegalArgumentException(nameA + " and " + nameB + " must not be null");
    }
    if (a == 0 || a != b) {
      throw new IllegalArgumentException(
          nameA
              + " and "
              + nameB
              + " must give one entry per bin, but have "
              + a
              + " and "
              + b
              + " entries");
    }
  }

  /** The total of the counts, checked: none negative, and not all 0. */
  private static long checkCounts(long[] counts, String name) {
    long total = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] < 0) {
        throw new IllegalArgumentException(name + "[" + i + "] is negative: " + counts[i]);
      }
      total = Math.addExact(total, counts[i]);
    }
    if (total == 0) {
      throw new IllegalArgumentException(name + " has no counts: every bin is 0");
    }
    return total;
  }

  /** The sum of the weights, checked: each finite and not negative, the sum positive. */
  private static double sum(double[] weights, String name) {
    double total = 0;
    for (int i = 0; i < weights.length; i++) {
      if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
        throw new IllegalArgumentException(
            name + "[" + i + "] is " + weights[i] + "; weights must be finite and not negative");
      }
      total += weights[i];
    }
    if (total == 0) {
      throw new IllegalArgumentException(name + " has no weight: every bin is 0");
    }
    return total;
  }

  private static double[] toDouble(long[] counts) {
    double[] out = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      out[i] = counts[i];
    }
    return out;
  }
}
