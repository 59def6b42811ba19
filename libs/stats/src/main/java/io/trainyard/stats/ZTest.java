package io.trainyard.stats;

/**
 * The two-proportion z-test: is the share of successes the same in two samples?
 *
 * <p>{@link #twoProportions} is {@code statsmodels.stats.proportion.proportions_ztest([s1, s2],
 * [n1, n2])} of statsmodels 0.13.5 (its defaults: {@code value=0}, {@code alternative='two-sided'},
 * {@code prop_var=False}, so the pooled variance), which is also Evidently's {@code z} stattest
 * ({@code proportions_diff_z_test}, whose {@code 2 * (1 - norm.cdf(|z|))} differs from statsmodels'
 * {@code 2 * norm.sf(|z|)} only by rounding, about 1e-16 absolute).
 */
public final class ZTest {

  private ZTest() {}

  /**
   * The pooled two-proportion z-test, two-sided: with {@code p1 = s1 / n1}, {@code p2 = s2 / n2}
   * and the pooled {@code p = (s1 + s2) / (n1 + n2)},
   *
   * <pre>z = (p1 - p2) / √(p (1 - p) (1/n1 + 1/n2)),   pValue = 2 · norm.sf(|z|)</pre>
   *
   * <p><b>Deviation from statsmodels:</b> when both samples are all successes or all failures
   * ({@code p} is 0 or 1, so both proportions are equal), statsmodels divides 0 by 0 and returns
   * {@code nan} for both; this method returns {@code z = 0} and {@code pValue = 1}, since the
   * samples agree exactly.
   *
   * @throws IllegalArgumentException when {@code n1} or {@code n2} is below 1, or a number of
   *     successes is negative or above its number of trials
   */
  public static TestResult twoProportions(long successes1, long n1, long successes2, long n2) {
    check(successes1, n1, "1");
    check(successes2, n2, "2");
    double p1 = successes1 * 1.0 / n1;
    double p2 = successes2 * 1.0 / n2;
    double difference = p1 - p2;
    double pooled = (successes1 + successes2) * 1.0 / (n1 + n2);
    double variance = pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2);
    if (variance == 0) {
      return new TestResult(0.0, 1.0);
    }
    double z = difference / Math.sqrt(variance);
    return new TestResult(z, Distributions.normalSf(Math.abs(z)) * 2);
  }

  private static void check(long successes, long n, String sample) {
    if (n < 1) {
      throw new IllegalArgumentException(
          "sample " + sample + " needs at least 1 trial, but n" + sample + " is " + n);
    }
    if (successes < 0 || successes > n) {
      throw new IllegalArgumentException(
          "sample "
              + sample
              + " has "
              + successes
              + " successes in "
              + n
              + " trials; successes must be in [0, n"
              + sample
              + "]");
    }
  }
}
