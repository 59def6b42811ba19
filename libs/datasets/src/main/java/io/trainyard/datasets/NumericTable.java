package io.trainyard.datasets;

import java.util.List;

/**
 * A split read into memory for training or evaluation: one row per Parquet row, ordered by {@code
 * row_id}.
 *
 * @param rowIds the {@code row_id} of each row (its 0-based position in the uploaded CSV)
 * @param features the numeric feature column names, the column order of {@code x}
 * @param x row-major numeric feature values, {@code x[row][feature]}; {@code NaN} where the value
 *     is missing
 * @param labels the target of each row as {@linkplain DatasetLabels#canonical canonical text}
 * @param categorical the non-numeric (text, boolean, temporal) feature column names, the column
 *     order of {@code text}
 * @param text row-major non-numeric feature values as {@linkplain DatasetLabels#canonical canonical
 *     text}, {@code text[row][feature]}; {@code null} where the value is missing
 */
public record NumericTable(
    long[] rowIds,
    List<String> features,
    double[][] x,
    String[] labels,
    List<String> categorical,
    String[][] text) {

  /** A table of numeric features only. */
  public NumericTable(long[] rowIds, List<String> features, double[][] x, String[] labels) {
    this(rowIds, features, x, labels, List.of(), null);
  }

  public NumericTable {
    features = List.copyOf(features);
    categorical = categorical == null ? List.of() : List.copyOf(categorical);
    text = text == null ? new String[rowIds.length][0] : text;
    if (text.length != rowIds.length) {
      throw new IllegalArgumentException(
          "text must have one entry per row (" + rowIds.length + "), has " + text.length);
    }
    if (x.length != rowIds.length || labels.length != rowIds.length) {
      throw new IllegalArgumentException(
          "rowIds, x and labels must have one entry per row, but have "
              + rowIds.length
              + ", "
              + x.length
              + " and "
              + labels.length);
    }
  }

  /** The number of rows. */
  public int rows() {
    return rowIds.length;
  }
}
