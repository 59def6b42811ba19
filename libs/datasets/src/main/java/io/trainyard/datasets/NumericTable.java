package io.trainyard.datasets;

import java.util.List;

/**
 * A split read into memory for training or evaluation: one row per Parquet row, ordered by {@code
 * row_id}.
 *
 * @param rowIds the {@code row_id} of each row (its 0-based position in the uploaded CSV)
 * @param features the feature column names, the column order of {@code x}
 * @param x row-major feature values, {@code x[row][feature]}; {@code NaN} where the value is
 *     missing
 * @param labels the target of each row as {@linkplain DatasetLabels#canonical canonical text}
 */
public record NumericTable(long[] rowIds, List<String> features, double[][] x, String[] labels) {

  public NumericTable {
    features = List.copyOf(features);
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
