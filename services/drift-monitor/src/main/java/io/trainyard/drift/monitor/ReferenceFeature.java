package io.trainyard.drift.monitor;

import io.trainyard.stats.QuantileSketch;
import io.trainyard.stats.SharedBins;
import java.util.List;
import java.util.Objects;

/**
 * What the reference knows of one monitored column (a feature, or the model's prediction or score):
 * its counts on the bins windows share with it, and for a numeric column its values (exactly, when
 * the reference is small) or a quantile sketch of them.
 *
 * @param feature the column
 * @param kind {@value #NUMERIC} or {@value #CATEGORICAL} (text and boolean columns, and numeric
 *     ones with at most {@value #MAX_DISCRETE} distinct values, as Evidently treats them)
 * @param numeric whether an event gives the column as a number (a discrete numeric column is tested
 *     as categorical but still arrives as a number)
 * @param rows the reference's values (missing ones not counted)
 * @param edges numeric: the bin edges, ingestion's histogram of the train split (10 equal-width
 *     bins from min to max, as {@code numpy.histogram}); windows count on them with one more bin
 *     below and one above; null for a categorical column
 * @param categories categorical: the reference's categories, sorted; null for a numeric column
 * @param counts the reference's counts on the shared bins: numeric, {@code edges.length + 1} bins
 *     (below the first edge, the histogram's bins, above the last edge); categorical, one per
 *     category and a last bin for categories the reference does not have (0 in the reference)
 * @param values numeric, exact mode: the reference's values, sorted; null otherwise
 * @param sketch numeric, sketch mode: the reference's quantile sketch; null otherwise
 */
public record ReferenceFeature(
    String feature,
    String kind,
    boolean numeric,
    long rows,
    double[] edges,
    List<String> categories,
    long[] counts,
    double[] values,
    QuantileSketch sketch) {

  public static final String NUMERIC = "numeric";
  public static final String CATEGORICAL = "categorical";

  /** A numeric column with at most this many distinct values is tested as categorical. */
  public static final int MAX_DISCRETE = 5;

  public ReferenceFeature {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(counts, "counts");
    if (NUMERIC.equals(kind)) {
      Objects.requireNonNull(edges, "edges");
      if (counts.length != edges.length + 1) {
        throw new IllegalArgumentException(
            feature + ": " + edges.length + " edges need " + (edges.length + 1) + " bins");
      }
      if ((values == null) == (sketch == null)) {
        throw new IllegalArgumentException(feature + ": give exactly one of values and sketch");
      }
    } else if (CATEGORICAL.equals(kind)) {
      Objects.requireNonNull(categories, "categories");
      categories = List.copyOf(categories);
      if (counts.length != categories.size() + 1) {
        throw new IllegalArgumentException(
            feature
                + ": "
                + categories.size()
                + " categories need "
                + (categories.size() + 1)
                + " bins");
      }
    } else {
      throw new IllegalArgumentException(feature + ": unknown kind " + kind);
    }
  }

  /** Whether the column is tested as categorical. */
  boolean categorical() {
    return CATEGORICAL.equals(kind);
  }

  /** Whether the numeric reference is kept exactly (not sketched). */
  boolean exact() {
    return values != null;
  }

  /** The shared bin of a numeric value: below the first edge, a histogram bin, above the last. */
  int bin(double value) {
    return SharedBins.bin(edges, value);
  }

  /** The shared bin of a category: its index, or the last bin when the reference lacks it. */
  int bin(String category) {
    int i = java.util.Collections.binarySearch(categories, category);
    return i >= 0 ? i : categories.size();
  }
}
