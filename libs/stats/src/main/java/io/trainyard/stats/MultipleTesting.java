package io.trainyard.stats;

import java.util.Arrays;

/**
 * Multiple-testing corrections of p-values, when drift is tested on many features at once: each is
 * {@code statsmodels.stats.multitest.multipletests(p, method=...)[1]} of statsmodels 0.13.5, the
 * corrected p-values in the order given.
 *
 * <ul>
 *   <li>{@link #bonferroni}: {@code method='bonferroni'}, {@code min(p · m, 1)}
 *   <li>{@link #benjaminiHochberg}: {@code method='fdr_bh'} (Benjamini and Hochberg 1995), the
 *       step-up {@code min over j ≥ rank of p_(j) · m / j}, capped at 1
 * </ul>
 *
 * <p>{@code m} is the number of p-values that are not {@code NaN}: a {@code NaN} p-value (a test
 * that had none) stays {@code NaN} and is left out of the count and of the ranking (statsmodels
 * would count it and sort it last). The remaining p-values are corrected exactly as statsmodels
 * corrects them alone. An empty array gives an empty array.
 */
public final class MultipleTesting {

  private MultipleTesting() {}

  /**
   * Bonferroni's correction: {@code min(p · m, 1)} for each p-value, {@code m} the number of
   * p-values that are not {@code NaN}.
   *
   * @throws IllegalArgumentException when {@code pValues} is null or holds a value outside [0, 1]
   *     other than {@code NaN}
   */
  public static double[] bonferroni(double[] pValues) {
    int m = countTests(pValues);
    double[] corrected = new double[pValues.length];
    for (int i = 0; i < pValues.length; i++) {
      double p = pValues[i] * (double) m;
      corrected[i] = p > 1 ? 1.0 : p;
    }
    return corrected;
  }

  /**
   * The Benjamini-Hochberg correction (false discovery rate): with the {@code m} p-values that are
   * not {@code NaN} sorted ascending, {@code p_(j)} the j-th, the corrected value of {@code p_(j)}
   * is {@code min(1, min_{k ≥ j} p_(k) / (k / m))}.
   *
   * @throws IllegalArgumentException when {@code pValues} is null or holds a value outside [0, 1]
   *     other than {@code NaN}
   */
  public static double[] benjaminiHochberg(double[] pValues) {
    int m = countTests(pValues);
    double[] corrected = new double[pValues.length];
    Arrays.fill(corrected, Double.NaN);
    if (m == 0) {
      return corrected;
    }
    Integer[] order = new Integer[m];
    int k = 0;
    for (int i = 0; i < pValues.length; i++) {
      if (!Double.isNaN(pValues[i])) {
        order[k++] = i;
      }
    }
    Arrays.sort(order, (a, b) -> Double.compare(pValues[a], pValues[b]));
    double running = Double.POSITIVE_INFINITY;
    for (int j = m - 1; j >= 0; j--) {
      double ecdf = (j + 1) / (double) m;
      running = Math.min(running, pValues[order[j]] / ecdf);
      corrected[order[j]] = running > 1 ? 1.0 : running;
    }
    return corrected;
  }

  /** The number of p-values that are not {@code NaN}, after checking all. */
  private static int countTests(double[] pValues) {
    if (pValues == null) {
      throw new IllegalArgumentException("pValues must not be null");
    }
    int m = 0;
    for (int i = 0; i < pValues.length; i++) {
      double p = pValues[i];
      if (Double.isNaN(p)) {
        continue;
      }
      if (!(p >= 0 && p <= 1)) {
        throw new IllegalArgumentException(
            "pValues[" + i + "] is " + p + "; a p-value must be in [0, 1] or NaN");
      }
      m++;
    }
    return m;
  }
}
