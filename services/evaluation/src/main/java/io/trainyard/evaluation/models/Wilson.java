package io.trainyard.evaluation.models;

/**
 * The Wilson score interval of a binomial proportion (Wilson, 1927), as statsmodels' {@code
 * proportion_confint(count, nobs, alpha, method="wilson")}: with {@code p = k / n} and {@code z}
 * the standard normal quantile of {@code 1 - (1 - level) / 2}, the centre {@code (p + z² / 2n) / (1
 * + z² / n)} plus or minus {@code z / (1 + z² / n) · sqrt(p (1 - p) / n + z² / 4n²)}.
 */
final class Wilson {

  private Wilson() {}

  /**
   * {@code [low, high]} for {@code successes} of {@code trials} at {@code level} (0.95 or 0.99).
   */
  static double[] interval(int successes, int trials, double level) {
    if (trials < 1 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException(
          "need 0 <= successes <= trials and trials >= 1, not " + successes + " of " + trials);
    }
    double z = z(level);
    double n = trials;
    double p = successes / n;
    double denominator = 1 + z * z / n;
    double centre = (p + z * z / (2 * n)) / denominator;
    double half = z / denominator * Math.sqrt(p * (1 - p) / n + z * z / (4 * n * n));
    return new double[] {Math.max(0, centre - half), Math.min(1, centre + half)};
  }

  /** scipy's {@code norm.ppf(1 - (1 - level) / 2)} for the levels evaluation uses. */
  private static double z(double level) {
    if (level == 0.95) {
      return 1.959963984540054;
    }
    if (level == 0.99) {
      return 2.5758293035489004;
    }
    throw new IllegalArgumentException("level must be 0.95 or 0.99, not " + level);
  }
}
