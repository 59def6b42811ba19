package io.trainyard.stats;

import java.util.Arrays;

/**
 * The CDF of a {@link QuantileSketch} as its knots: strictly ascending values {@code x[i]}, each
 * with the CDF's left limit {@code left[i]} and value {@code right[i]} there (they differ at a
 * point mass), linear from {@code (x[i], right[i])} to {@code (x[i + 1], left[i + 1])}; 0 below
 * {@code x[0]}, and {@code right[last] = 1}. The class comment of {@link QuantileSketch} defines
 * it.
 */
final class SketchCdf {

  /** The tail probabilities {@code 2^-1 .. 2^-TAIL_POINTS} of an outer segment that get a knot. */
  private static final int TAIL_POINTS = 24;

  /** How far from an integer an interpolation index may be for a gap to count as one step. */
  private static final double STEP_TOLERANCE = 1e-6;

  private final double[] x;
  private final double[] left;
  private final double[] right;

  private SketchCdf(double[] x, double[] left, double[] right) {
    this.x = x;
    this.left = left;
    this.right = right;
  }

  static SketchCdf of(QuantileSketch sketch) {
    double[] q = sketch.knots();
    int k = q.length;
    long n = sketch.count();

    // Groups of equal quantiles: first and last index; a run (2 or more) is a point mass.
    int[] start = new int[k];
    int[] end = new int[k];
    int[] groupOf = new int[k];
    int groups = 0;
    for (int i = 0; i < k; i++) {
      if (i == 0 || q[i] != q[i - 1]) {
        start[groups] = i;
        groups++;
      }
      end[groups - 1] = i;
      groupOf[i] = groups - 1;
    }
    double[] lo = new double[groups];
    double[] hi = new double[groups];
    boolean[] run = new boolean[groups];
    boolean[] anchor = new boolean[groups];
    for (int g = 0; g < groups; g++) {
      lo[g] = g == 0 ? 0.0 : QuantileSketch.level(start[g], k);
      hi[g] = g == groups - 1 ? 1.0 : QuantileSketch.level(end[g], k);
      run[g] = end[g] > start[g];
      anchor[g] = run[g] || start[g] == 0 || end[g] == k - 1;
    }

    // Gaps between point masses that numpy's interpolation crossed in one step: flat.
    boolean[] skipped = new boolean[groups];
    if (n >= 2) {
      double maxStepKnots = (double) (k - 1) / (n - 1) + 2;
      int a = 0;
      for (int b = 1; b < groups; b++) {
        if (!anchor[b]) {
          continue;
        }
        if (b > a + 1 && b - a - 1 <= maxStepKnots) {
          double step = singleStep(q, k, n, start, a, b);
          if (!Double.isNaN(step)) {
            double level = Math.min(Math.max((step + 1) / n, hi[a]), lo[b]);
            hi[a] = level;
            lo[b] = level;
            for (int g = a + 1; g < b; g++) {
              skipped[g] = true;
            }
          }
        }
        a = b;
      }
    }
    // Adjacent point masses with no quantile between: the sample's step from one to the other
    // lies somewhere between their levels; split the difference.
    for (int g = 0; g + 1 < groups; g++) {
      if (run[g] && run[g + 1]) {
        double level = (hi[g] + lo[g + 1]) / 2;
        hi[g] = level;
        lo[g + 1] = level;
      }
    }

    Knots knots = new Knots(k);
    for (int g = 0; g < groups; g++) {
      if (!skipped[g]) {
        knots.add(q[start[g]], lo[g], hi[g]);
      }
    }
    if (k < 4 || n - 1 < (long) MIN_TAIL_VALUES * (k - 1)) {
      return knots.build();
    }

    // Tails: the outer segments, when linear (no point mass at the extreme, not bridged).
    int last = groups - 1;
    boolean bottom = q[0] < q[1] && hi[0] == 0.0 && !skipped[groupOf[1]];
    boolean top = q[k - 2] < q[k - 1] && lo[last] == 1.0 && !skipped[groupOf[k - 2]];
    if (!bottom && !top) {
      return knots.build();
    }
    double bottomMass = lo[groupOf[1]];
    double bottomLength = q[1] - q[0];
    double topMass = 1 - hi[groupOf[k - 2]];
    double topLength = q[k - 1] - q[k - 2];
    double bottomExcess =
        bottom && q[2] > q[1]
            ? excess((q[2] - q[1]) / Math.log(2), bottomLength)
            : bottomLength / 2;
    double topExcess =
        top && q[k - 2] > q[k - 3]
            ? excess((q[k - 2] - q[k - 3]) / Math.log(2), topLength)
            : topLength / 2;
    // The mean the knots imply (linear outer segments) against the sample's: numpy's linear
    // quantile function through the sorted values at levels i / (n - 1) has the mean
    // (n mean - (min + max) / 2) / (n - 1). The tails take up the difference, in proportion to
    // their widths, within what a decreasing density allows (a mean distance from the inner end
    // between 0 and half the width).
    double target = (n * sketch.mean() - (q[0] / 2 + q[k - 1] / 2)) / (n - 1);
    double residual = target - knots.mean();
    if (bottom) {
      residual -= bottomMass * (bottomLength / 2 - bottomExcess);
    }
    if (top) {
      residual -= topMass * (topExcess - topLength / 2);
    }
    if (Double.isFinite(residual)) {
      double widths = (bottom ? bottomLength : 0) + (top ? topLength : 0);
      if (bottom) {
        bottomExcess =
            clamp(bottomExcess - residual * (bottomLength / widths) / bottomMass, bottomLength);
      }
      if (top) {
        topExcess = clamp(topExcess + residual * (topLength / widths) / topMass, topLength);
      }
    }
    Knots tailed = new Knots(k + 2 * TAIL_POINTS);
    for (int i = 0; i < knots.size; i++) {
      if (top && i == knots.size - 1) {
        double base = 1 - topMass;
        for (double[] point : tail(q[k - 2], topLength, scaleOf(topExcess, topLength), 1)) {
          double level = base + point[1] * topMass;
          tailed.add(point[0], level, level);
        }
      }
      tailed.add(knots.x[i], knots.left[i], knots.right[i]);
      if (bottom && i == 0) {
        for (double[] point : tail(q[1], bottomLength, scaleOf(bottomExcess, bottomLength), -1)) {
          double level = bottomMass * (1 - point[1]);
          tailed.add(point[0], level, level);
        }
      }
    }
    return tailed.build();
  }

  /** The values a tail segment must hold, on average, for its shape to be estimated. */
  private static final int MIN_TAIL_VALUES = 10;

  private static double clamp(double excess, double length) {
    return Math.min(Math.max(excess, 0.0), length / 2);
  }

  /**
   * The mean distance from the inner end of a truncated exponential tail of scale {@code theta}
   * over a segment of {@code length}: {@code θ - L / (e^(L/θ) - 1)}, from 0 ({@code θ → 0}) to
   * {@code L / 2} ({@code θ → ∞}, uniform).
   */
  static double excess(double theta, double length) {
    if (!(theta < Double.POSITIVE_INFINITY)) {
      return length / 2;
    }
    double r = length / theta;
    if (r < 1e-4) {
      return length * (0.5 - r / 12 + r * r * r / 720);
    }
    return theta - length / Math.expm1(r);
  }

  /** The scale whose {@link #excess} over {@code length} is {@code excess}, by bisection. */
  static double scaleOf(double excess, double length) {
    if (excess >= length / 2) {
      return Double.POSITIVE_INFINITY;
    }
    double lo = Math.log(length * 1e-9);
    double hi = Math.log(length * 1e9);
    for (int i = 0; i < 100 && hi - lo > 1e-13; i++) {
      double mid = (lo + hi) / 2;
      if (excess(Math.exp(mid), length) < excess) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.exp((lo + hi) / 2);
  }

  /** A growing list of knots. */
  private static final class Knots {
    double[] x;
    double[] left;
    double[] right;
    int size;

    Knots(int capacity) {
      x = new double[capacity];
      left = new double[capacity];
      right = new double[capacity];
    }

    void add(double value, double leftLimit, double cdf) {
      if (size == x.length) {
        x = Arrays.copyOf(x, 2 * size);
        left = Arrays.copyOf(left, 2 * size);
        right = Arrays.copyOf(right, 2 * size);
      }
      x[size] = value;
      left[size] = leftLimit;
      right[size] = cdf;
      size++;
    }

    /** {@code ∫ v dF(v)}: point masses at the knots, uniform mass between them. */
    double mean() {
      double mean = 0;
      for (int i = 0; i < size; i++) {
        mean += (right[i] - left[i]) * x[i];
        if (i + 1 < size) {
          mean += (left[i + 1] - right[i]) * (x[i] / 2 + x[i + 1] / 2);
        }
      }
      return mean;
    }

    SketchCdf build() {
      return new SketchCdf(
          Arrays.copyOf(x, size), Arrays.copyOf(left, size), Arrays.copyOf(right, size));
    }
  }

  /**
   * The index {@code k} of the last sample value equal to {@code q[start[a]]} when every quantile
   * strictly between groups {@code a} and {@code b} lies on numpy's interpolation step from sample
   * {@code k} (that value) to sample {@code k + 1} (the value of group {@code b}); {@code NaN}
   * otherwise. Quantile {@code m} at level {@code p} has the virtual index {@code h = (n - 1) p}
   * and the value {@code c + (h - k) (c' - c)} on that step.
   */
  private static double singleStep(double[] q, int k, long n, int[] start, int a, int b) {
    double c = q[start[a]];
    double width = q[start[b]] - c;
    double step = Double.NaN;
    for (int g = a + 1; g < b; g++) {
      int m = start[g];
      double h = (n - 1) * QuantileSketch.level(m, k);
      double candidate = h - (q[m] - c) / width;
      double rounded = Math.rint(candidate);
      if (Math.abs(candidate - rounded) > STEP_TOLERANCE
          || rounded < 0
          || (!Double.isNaN(step) && rounded != step)) {
        return Double.NaN;
      }
      step = rounded;
    }
    return step;
  }

  /**
   * Knots of a truncated exponential tail of scale {@code theta} over {@code [a, a + length]}
   * ({@code direction} 1, the upper tail) or {@code [a - length, a]} ({@code -1}, the lower tail):
   * {@code {value, u}} in ascending order of value, {@code u = 1 - 2^-j} the share of the segment's
   * probability between {@code a} and the value. Values that would not lie strictly inside the
   * segment (rounding, or a scale so large that the tail is linear) are left out.
   */
  private static double[][] tail(double a, double length, double theta, int direction) {
    double c = theta == Double.POSITIVE_INFINITY ? 0 : -Math.expm1(-length / theta);
    double[][] points = new double[TAIL_POINTS][];
    int size = 0;
    double previous = 0;
    for (int j = 1; j <= TAIL_POINTS && c > 0; j++) {
      double u = 1 - Math.scalb(1.0, -j);
      double offset = -theta * Math.log1p(-u * c);
      if (!(offset > previous && offset < length)) {
        break;
      }
      points[size++] = new double[] {a + direction * offset, u};
      previous = offset;
    }
    double[][] out = Arrays.copyOf(points, size);
    if (direction < 0) {
      for (int i = 0, j = size - 1; i < j; i++, j--) {
        double[] t = out[i];
        out[i] = out[j];
        out[j] = t;
      }
    }
    return out;
  }

  /** {@code P(X ≤ v)}. */
  double cdf(double v) {
    int i = lastAtOrBelow(v);
    if (i < 0) {
      return 0.0;
    }
    if (x[i] == v || i == x.length - 1) {
      return right[i];
    }
    return interpolate(i, v);
  }

  /** {@code P(X < v)}, the left limit. */
  double cdfBelow(double v) {
    int i = lastAtOrBelow(v);
    if (i < 0) {
      return 0.0;
    }
    if (x[i] == v) {
      return left[i];
    }
    if (i == x.length - 1) {
      return right[i];
    }
    return interpolate(i, v);
  }

  private double interpolate(int i, double v) {
    double t = (v - x[i]) / (x[i + 1] - x[i]);
    return right[i] + (left[i + 1] - right[i]) * t;
  }

  /** The last knot index with {@code x[i] ≤ v}, or -1. */
  private int lastAtOrBelow(double v) {
    int lo = 0;
    int hi = x.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (x[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }

  /**
   * {@code sup_v |F(v) - G(v)|} with {@code G} the empirical CDF of {@code sorted} (ascending, no
   * {@code NaN}): the supremum is reached at a value of the sample or a knot, from one side.
   */
  double ksDistance(double[] sorted) {
    int m = sorted.length;
    double d = 0;
    int i = 0;
    while (i < m) {
      double v = sorted[i];
      int j = i;
      while (j < m && sorted[j] == v) {
        j++;
      }
      d = Math.max(d, Math.abs(cdf(v) - (double) j / m));
      d = Math.max(d, Math.abs(cdfBelow(v) - (double) i / m));
      i = j;
    }
    for (int k = 0; k < x.length; k++) {
      d = Math.max(d, Math.abs(right[k] - (double) countAtOrBelow(sorted, x[k]) / m));
      d = Math.max(d, Math.abs(left[k] - (double) countBelow(sorted, x[k]) / m));
    }
    return d;
  }

  /**
   * {@code ∫ |F(v) - G(v)| dv} with {@code G} the empirical CDF of {@code sorted} (ascending,
   * finite): exact, since between consecutive knots and sample values {@code F} is linear and
   * {@code G} constant.
   */
  double wassersteinDistance(double[] sorted) {
    int m = sorted.length;
    double[] points = new double[x.length + m];
    System.arraycopy(x, 0, points, 0, x.length);
    System.arraycopy(sorted, 0, points, x.length, m);
    Arrays.sort(points);
    double sum = 0;
    double compensation = 0;
    int below = 0; // sample values <= points[p]
    for (int p = 0; p + 1 < points.length; p++) {
      double z = points[p];
      double next = points[p + 1];
      if (!(next > z)) {
        continue;
      }
      while (below < m && sorted[below] <= z) {
        below++;
      }
      double g = (double) below / m;
      double da = cdf(z) - g;
      double db = cdfBelow(next) - g;
      double width = next - z;
      double area;
      if (da * db >= 0) {
        area = width * Math.abs(da + db) / 2;
      } else {
        area = width * (da * da + db * db) / (2 * (Math.abs(da) + Math.abs(db)));
      }
      double t = sum + area;
      compensation += Math.abs(sum) >= Math.abs(area) ? (sum - t) + area : (area - t) + sum;
      sum = t;
    }
    return sum + compensation;
  }

  private static int countAtOrBelow(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] <= v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static int countBelow(double[] sorted, double v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
