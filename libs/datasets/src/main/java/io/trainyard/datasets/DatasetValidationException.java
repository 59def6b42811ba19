package io.trainyard.datasets;

/**
 * An uploaded dataset is unusable as given: the CSV cannot be read, or a column breaks a rule
 * (missing target, non-numeric feature, missing target values...). It is the uploader's mistake to
 * fix, so the ingestion service reports it as a 4xx problem, with {@link #getMessage()} as the
 * detail.
 *
 * <p>Row numbers in messages are 1-based data rows: the first row after the header is row 1 (its
 * {@code row_id} is 0).
 */
public final class DatasetValidationException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String column;
  private final String reason;

  /**
   * @param column the offending column, or {@code null} when the problem is not about one column
   * @param reason what is wrong, as a phrase that completes "column 'x' ..." when there is a column
   *     (e.g. "must be numeric, but row 17 has 'abc'"), else a full sentence
   */
  DatasetValidationException(String column, String reason) {
    this(column, reason, column == null ? reason : "column '" + column + "' " + reason, null);
  }

  /**
   * @param column the offending column, or {@code null}
   * @param reason what is wrong, without the column name
   * @param message the full sentence, naming the column when there is one
   * @param cause the underlying error, or {@code null}
   */
  DatasetValidationException(String column, String reason, String message, Throwable cause) {
    super(message, cause);
    this.column = column;
    this.reason = reason;
  }

  /** The offending column, or {@code null} when the problem is about the file as a whole. */
  public String column() {
    return column;
  }

  /** What is wrong, without the column name (see {@link #getMessage()} for the full sentence). */
  public String reason() {
    return reason;
  }
}
