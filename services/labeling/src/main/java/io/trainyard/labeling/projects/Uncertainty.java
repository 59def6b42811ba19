package io.trainyard.labeling.projects;

/**
 * Uncertainty sampling (Settles, 2009, "Active Learning Literature Survey", section 3.1) over a
 * model's class probabilities; higher is more uncertain, so the most uncertain task comes first:
 *
 * <ul>
 *   <li>{@code least-confidence}: {@code 1 - max p} (modAL's {@code classifier_uncertainty});
 *   <li>{@code margin}: {@code 1 - (p1 - p2)}, the two largest probabilities (modAL's {@code
 *       classifier_margin} is {@code p1 - p2}, smaller is more uncertain);
 *   <li>{@code entropy}: {@code -Σ p ln p} with {@code 0 ln 0 = 0} ({@code scipy.stats.entropy(p)},
 *       natural logarithm).
 * </ul>
 */
final class Uncertainty {

  static final String LEAST_CONFIDENCE = "least-confidence";
  static final String MARGIN = "margin";
  static final String ENTROPY = "entropy";

  private Uncertainty() {}

  /** The uncertainty of one row's probabilities under {@code measure}. */
  static double of(String measure, double[] p) {
    if (p.length == 0) {
      throw new IllegalArgumentException("no probabilities");
    }
    return switch (measure) {
      case LEAST_CONFIDENCE -> 1 - max(p);
      case MARGIN -> {
        double first = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (double v : p) {
          if (v > first) {
            second = first;
            first = v;
          } else if (v > second) {
            second = v;
          }
        }
        yield 1 - (first - (p.length == 1 ? 0 : second));
      }
      case ENTROPY -> {
        double h = 0;
        for (double v : p) {
          h -= v > 0 ? v * Math.log(v) : 0;
        }
        yield h;
      }
      default ->
          throw new IllegalArgumentException("unknown uncertainty measure '" + measure + "'");
    };
  }

  static double max(double[] p) {
    double m = Double.NEGATIVE_INFINITY;
    for (double v : p) {
      m = Math.max(m, v);
    }
    return m;
  }
}
