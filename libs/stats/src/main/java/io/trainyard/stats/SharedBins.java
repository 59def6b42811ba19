package io.trainyard.stats;

/**
 * The bins a drift reference and its windows share for a numeric column: {@code numpy.histogram}'s
 * equal-width bins of the reference (as ingestion profiles it), plus one bin below the first edge
 * and one above the last, so that a window's values outside the reference's range are counted
 * apart. With {@code k + 1} edges there are {@code k + 2} shared bins: 0 below, {@code 1..k} the
 * histogram's (bin {@code i} holds {@code edges[i-1] <= v < edges[i]}, the last one also {@code v
 * == edges[k]}), {@code k + 1} above.
 */
public final class SharedBins {

  /** The histogram's bins, as {@code numpy.histogram(x, bins=10)} and ingestion's profile. */
  public static final int HISTOGRAM_BINS = 10;

  private SharedBins() {}

  /**
   * {@code numpy.histogram_bin_edges(x, bins=10)} of values from {@code min} to {@code max}: {@code
   * min + i * ((max - min) / 10)}, the last edge {@code max} exactly; {@code [min, max]} (one bin)
   * when they are equal.
   */
  public static double[] histogramEdges(double min, double max) {
    if (min == max) {
      return new double[] {min, max};
    }
    double[] edges = new double[HISTOGRAM_BINS + 1];
    double width = (max - min) / HISTOGRAM_BINS;
    for (int i = 0; i <= HISTOGRAM_BINS; i++) {
      edges[i] = min + i * width;
    }
    edges[HISTOGRAM_BINS] = max;
    return edges;
  }

  /**
   * The shared bin of {@code value}: 0 below the first edge, {@code edges.length} above the last.
   */
  public static int bin(double[] edges, double value) {
    if (value < edges[0]) {
      return 0;
    }
    int last = edges.length - 1;
    if (value > edges[last]) {
      return edges.length;
    }
    if (value == edges[last]) {
      return last;
    }
    // the histogram bin i holds edges[i] <= v < edges[i + 1]
    int lo = 0;
    int hi = last;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (value >= edges[mid]) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return lo + 1;
  }
}
