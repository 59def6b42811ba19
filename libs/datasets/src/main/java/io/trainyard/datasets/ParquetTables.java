package io.trainyard.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Reads and writes the Parquet tables the pipeline passes between stages, through an in-memory
 * DuckDB: training and evaluation read a split written by {@link CsvSplitter} into arrays, and
 * evaluation writes its per-row predictions. All errors, including a missing file or column, are
 * {@link IOException}s whose message names the file and the column.
 */
public final class ParquetTables {

  private ParquetTables() {}

  /**
   * Reads a split with numeric features only into memory, ordered by {@code row_id}.
   *
   * @param parquet a Parquet file with a {@code row_id} column, the features and the target
   * @param features the feature columns, in the order wanted in {@link NumericTable#x()}; each must
   *     be numeric (integer, decimal or floating point); missing values become {@code NaN}
   * @param target the target column; every row must have a value, read as {@linkplain
   *     DatasetLabels#canonical canonical text}
   * @throws IOException when the file cannot be read, a column is missing, a feature is not numeric
   *     or a target value is missing
   */
  public static NumericTable read(Path parquet, List<String> features, String target)
      throws IOException {
    return read(parquet, features, List.of(), target);
  }

  /**
   * Reads a split into memory, ordered by {@code row_id}: numeric features as numbers, categorical
   * ones as {@linkplain DatasetLabels#canonical canonical text}.
   *
   * @param parquet a Parquet file with a {@code row_id} column, the features and the target
   * @param features the numeric feature columns, in the order wanted in {@link NumericTable#x()};
   *     each must be numeric (integer, decimal or floating point); missing values become {@code
   *     NaN}
   * @param categorical the categorical feature columns, of any type, in the order wanted in {@link
   *     NumericTable#text()}; missing values become {@code null}
   * @param target the target column; every row must have a value, read as {@linkplain
   *     DatasetLabels#canonical canonical text}
   * @throws InvalidSplitException when a column is missing, a numeric feature is not numeric or
   *     holds NaN or an infinity, or a target value is missing
   * @throws IOException when the file cannot be read
   */
  public static NumericTable read(
      Path parquet, List<String> features, List<String> categorical, String target)
      throws IOException {
    Objects.requireNonNull(parquet, "parquet");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(categorical, "categorical");
    Objects.requireNonNull(target, "target");
    requireFile(parquet);
    try (Connection c = DuckDb.open()) {
      String source = "read_parquet(" + DuckDb.literal(parquet) + ")";
      Map<String, String> types = columnTypes(c, source);
      requireColumn(parquet, types, CsvSplitter.ROW_ID, "the row id");
      requireColumn(parquet, types, target, "the target");
      for (String f : features) {
        requireColumn(parquet, types, f, "a feature");
        if (!DuckDb.isNumeric(types.get(f))) {
          throw new InvalidSplitException(
              "column '"
                  + f
                  + "' in "
                  + parquet
                  + " must be numeric to be used as a feature, but has type "
                  + types.get(f));
        }
      }
      for (String f : categorical) {
        requireColumn(parquet, types, f, "a feature");
      }
      long count = DuckDb.queryLong(c, "SELECT count(*) FROM " + source);
      if (count > Integer.MAX_VALUE - 8) {
        throw new IOException(parquet + " has " + count + " rows, too many to read into memory");
      }
      int n = (int) count;
      StringBuilder select = new StringBuilder("SELECT CAST(row_id AS BIGINT)");
      for (String f : features) {
        select.append(", CAST(").append(DuckDb.ident(f)).append(" AS DOUBLE)");
      }
      for (String f : categorical) {
        String col = DuckDb.ident(f);
        select
            .append(", ")
            .append(
                DuckDb.isCanonicalReadable(types.get(f)) ? col : "CAST(" + col + " AS VARCHAR)");
      }
      String t = DuckDb.ident(target);
      select
          .append(", ")
          .append(DuckDb.isCanonicalReadable(types.get(target)) ? t : "CAST(" + t + " AS VARCHAR)")
          .append(" FROM ")
          .append(source)
          .append(" ORDER BY 1");
      long[] rowIds = new long[n];
      double[][] x = new double[n][features.size()];
      String[][] text = new String[n][categorical.size()];
      String[] labels = new String[n];
      int firstText = features.size() + 2;
      int labelColumn = firstText + categorical.size();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(select.toString())) {
        int r = 0;
        while (rs.next() && r < n) {
          rowIds[r] = rs.getLong(1);
          for (int f = 0; f < features.size(); f++) {
            double v = rs.getDouble(f + 2);
            if (rs.wasNull()) {
              v = Double.NaN;
            } else if (!Double.isFinite(v)) {
              // NaN stands for a missing value in memory; a NaN or an infinity in the file is
              // not one and would poison training.
              throw new InvalidSplitException(
                  "column '"
                      + features.get(f)
                      + "' (a feature) in "
                      + parquet
                      + " has the value "
                      + v
                      + " at row_id "
                      + rowIds[r]
                      + ": a feature value must be a finite number or missing");
            }
            x[r][f] = v;
          }
          for (int f = 0; f < categorical.size(); f++) {
            Object v = rs.getObject(firstText + f);
            text[r][f] = v == null ? null : DatasetLabels.canonical(v);
          }
          Object label = rs.getObject(labelColumn);
          if (label == null) {
            throw new InvalidSplitException(
                "column '"
                    + target
                    + "' (the target) in "
                    + parquet
                    + " has a missing value at row_id "
                    + rowIds[r]);
          }
          labels[r] = DatasetLabels.canonical(label);
          r++;
        }
      }
      return new NumericTable(rowIds, features, x, labels, categorical, text);
    } catch (SQLException e) {
      throw new IOException("cannot read " + parquet + ": " + DuckDb.shortMessage(e), e);
    }
  }

  /**
   * Writes per-row predictions to a Parquet file with columns {@code row_id} BIGINT, {@code actual}
   * VARCHAR, {@code predicted} VARCHAR and {@code score} DOUBLE, rows in the order given. The file
   * is written next to {@code out} and moved into place, so readers never see half a file.
   *
   * @param actual the true label per row (canonical text); {@code null} entries are written as NULL
   * @param predicted the predicted label per row; {@code null} entries are written as NULL
   * @param score the model's score per row (e.g. the probability of the positive class)
   * @throws IllegalArgumentException when an array is null or the lengths differ
   * @throws IOException when the file cannot be written
   */
  public static void writePredictions(
      Path out, long[] rowIds, String[] actual, String[] predicted, double[] score)
      throws IOException {
    if (score == null) {
      throw new IllegalArgumentException("rowIds, actual, predicted and score must not be null");
    }
    writePredictions(out, rowIds, actual, predicted, java.util.Map.of("score", score));
  }

  /**
   * Writes a classifier's per-row predictions: {@code row_id} BIGINT, {@code actual} VARCHAR,
   * {@code predicted} VARCHAR, then one DOUBLE column per entry of {@code scores} (in its iteration
   * order, named by its key: {@code score} for a binary model, {@code score_<class>} per class for
   * a multiclass one). Written next to {@code out} and moved into place.
   *
   * @throws IllegalArgumentException when an array is null or the lengths differ
   * @throws IOException when the file cannot be written
   */
  public static void writePredictions(
      Path out,
      long[] rowIds,
      String[] actual,
      String[] predicted,
      java.util.Map<String, double[]> scores)
      throws IOException {
    write(out, rowIds, actual, predicted, scores);
  }

  /**
   * Writes a regression model's per-row predictions: {@code row_id} BIGINT, {@code actual} DOUBLE,
   * {@code predicted} DOUBLE. Written next to {@code out} and moved into place.
   *
   * @throws IllegalArgumentException when an array is null or the lengths differ
   * @throws IOException when the file cannot be written
   */
  public static void writeRegressionPredictions(
      Path out, long[] rowIds, double[] actual, double[] predicted) throws IOException {
    write(out, rowIds, actual, predicted, java.util.Map.of());
  }

  private static void write(
      Path out,
      long[] rowIds,
      Object actual,
      Object predicted,
      java.util.Map<String, double[]> scores)
      throws IOException {
    Objects.requireNonNull(out, "out");
    if (rowIds == null || actual == null || predicted == null || scores == null) {
      throw new IllegalArgumentException("rowIds, actual, predicted and score must not be null");
    }
    int n = rowIds.length;
    int actualLength = java.lang.reflect.Array.getLength(actual);
    int predictedLength = java.lang.reflect.Array.getLength(predicted);
    for (double[] column : scores.values()) {
      if (column == null || column.length != n) {
        throw new IllegalArgumentException(
            "rowIds, actual, predicted and score must have the same length, but have "
                + n
                + " rows and a score column of "
                + (column == null ? "null" : column.length));
      }
    }
    if (actualLength != n || predictedLength != n) {
      throw new IllegalArgumentException(
          "rowIds, actual, predicted and score must have the same length, but have "
              + n
              + ", "
              + actualLength
              + " and "
              + predictedLength);
    }
    boolean numeric = actual instanceof double[];
    String type = numeric ? "DOUBLE" : "VARCHAR";
    StringBuilder ddl =
        new StringBuilder("CREATE TABLE predictions (row_id BIGINT, actual ")
            .append(type)
            .append(", predicted ")
            .append(type);
    for (String name : scores.keySet()) {
      ddl.append(", ").append(DuckDb.ident(name)).append(" DOUBLE");
    }
    ddl.append(")");
    Path dir = out.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve("." + out.getFileName() + ".tmp");
    double[][] columns = scores.values().toArray(new double[0][]);
    try (Connection c = DuckDb.open()) {
      DuckDb.execute(c, ddl.toString());
      try (DuckDBAppender appender =
          c.unwrap(DuckDBConnection.class)
              .createAppender(DuckDBConnection.DEFAULT_SCHEMA, "predictions")) {
        for (int i = 0; i < n; i++) {
          appender.beginRow().append(rowIds[i]);
          if (numeric) {
            appender.append(((double[]) actual)[i]);
            appender.append(((double[]) predicted)[i]);
          } else {
            appendText(appender, ((String[]) actual)[i]);
            appendText(appender, ((String[]) predicted)[i]);
          }
          for (double[] column : columns) {
            appender.append(column[i]);
          }
          appender.endRow();
        }
      }
      Files.deleteIfExists(tmp);
      DuckDb.execute(
          c, "COPY (SELECT * FROM predictions) TO " + DuckDb.literal(tmp) + " (FORMAT parquet)");
      Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (SQLException e) {
      Files.deleteIfExists(tmp);
      throw new IOException("cannot write " + out + ": " + DuckDb.shortMessage(e), e);
    }
  }

  /**
   * Writes the rows of Parquet files, one file after the other and each in its stored order, as CSV
   * with a header row of {@code columns} (comma-separated, {@code "} quoting, missing values empty)
   * to {@code csv}: ingestion reads a version's splits back this way to add rows to them. Columns
   * of a file that are not in {@code columns} (such as {@code row_id}) are left out; a column
   * missing from a file is empty in its rows.
   *
   * @throws IOException when a file cannot be read or the CSV cannot be written
   */
  public static void toCsv(List<Path> parquet, List<String> columns, Path csv) throws IOException {
    Objects.requireNonNull(parquet, "parquet");
    Objects.requireNonNull(csv, "csv");
    if (parquet.isEmpty() || columns.isEmpty()) {
      throw new IllegalArgumentException("give at least one Parquet file and one column");
    }
    for (Path file : parquet) {
      requireFile(file);
    }
    try (Connection c = DuckDb.open()) {
      StringBuilder union = new StringBuilder();
      for (int f = 0; f < parquet.size(); f++) {
        String file = DuckDb.literal(parquet.get(f));
        List<String> present = new java.util.ArrayList<>();
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + file + ")")) {
          while (rs.next()) {
            present.add(rs.getString("column_name"));
          }
        }
        // The stored order: DuckDB's file_row_number, unless a column has that name (then row_id).
        boolean ownRowNumber = present.contains("file_row_number");
        String source =
            "read_parquet(" + file + (ownRowNumber ? "" : ", file_row_number = true") + ")";
        String order =
            !ownRowNumber
                ? "file_row_number"
                : present.contains(CsvSplitter.ROW_ID) ? DuckDb.ident(CsvSplitter.ROW_ID) : "0";
        union.append(f == 0 ? "SELECT " : " UNION ALL SELECT ").append(f).append(" AS __file");
        union.append(", ").append(order).append(" AS __row");
        for (int i = 0; i < columns.size(); i++) {
          String column = columns.get(i);
          union
              .append(", ")
              .append(present.contains(column) ? DuckDb.ident(column) : "NULL")
              .append(" AS c")
              .append(i);
        }
        union.append(" FROM ").append(source);
      }
      StringBuilder select = new StringBuilder("SELECT ");
      for (int i = 0; i < columns.size(); i++) {
        select
            .append(i == 0 ? "" : ", ")
            .append("c")
            .append(i)
            .append(" AS ")
            .append(DuckDb.ident(columns.get(i)));
      }
      select.append(" FROM (").append(union).append(") ORDER BY __file, __row");
      DuckDb.execute(
          c,
          "COPY ("
              + select
              + ") TO "
              + DuckDb.literal(csv)
              + " (FORMAT csv, HEADER true, DELIMITER ',')");
    } catch (SQLException e) {
      throw new IOException(
          "cannot write " + parquet + " as CSV to " + csv + ": " + DuckDb.shortMessage(e), e);
    }
  }

  /**
   * The number of rows in a Parquet file (from its metadata, without reading the data).
   *
   * @throws IOException when the file is missing or not Parquet
   */
  public static long rowCount(Path parquet) throws IOException {
    Objects.requireNonNull(parquet, "parquet");
    requireFile(parquet);
    try (Connection c = DuckDb.open()) {
      return DuckDb.queryLong(
          c, "SELECT count(*) FROM read_parquet(" + DuckDb.literal(parquet) + ")");
    } catch (SQLException e) {
      throw new IOException("cannot read " + parquet + ": " + DuckDb.shortMessage(e), e);
    }
  }

  /**
   * One column of a split, in {@code row_id} order (the order of {@link #read}'s rows).
   *
   * @param numeric whether the column's type is numeric
   * @param text each row's value as text; {@code null} where missing
   * @param numbers each row's value as a number ({@code NaN} where missing); all {@code NaN} for a
   *     non-numeric column
   */
  public record Column(boolean numeric, String[] text, double[] numbers) {}

  /**
   * Reads one column of a split, in {@code row_id} order.
   *
   * @throws InvalidSplitException when the file has no such column
   * @throws IOException when the file cannot be read
   */
  public static Column readColumn(Path parquet, String column) throws IOException {
    Objects.requireNonNull(parquet, "parquet");
    Objects.requireNonNull(column, "column");
    requireFile(parquet);
    try (Connection c = DuckDb.open()) {
      String source = "read_parquet(" + DuckDb.literal(parquet) + ")";
      Map<String, String> types = columnTypes(c, source);
      requireColumn(parquet, types, CsvSplitter.ROW_ID, "the row id");
      requireColumn(parquet, types, column, "a slice");
      boolean numeric = DuckDb.isNumeric(types.get(column));
      String col = DuckDb.ident(column);
      List<String> text = new java.util.ArrayList<>();
      List<Double> numbers = new java.util.ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT CAST(row_id AS BIGINT), CAST("
                      + col
                      + " AS VARCHAR), "
                      + (numeric ? "CAST(" + col + " AS DOUBLE)" : "NULL::DOUBLE")
                      + " FROM "
                      + source
                      + " ORDER BY 1")) {
        while (rs.next()) {
          text.add(rs.getString(2));
          double value = rs.getDouble(3);
          numbers.add(rs.wasNull() ? Double.NaN : value);
        }
      }
      return new Column(
          numeric,
          text.toArray(new String[0]),
          numbers.stream().mapToDouble(Double::doubleValue).toArray());
    } catch (SQLException e) {
      throw new IOException("cannot read " + parquet + ": " + DuckDb.shortMessage(e), e);
    }
  }

  /**
   * The rows of a split as maps in {@code row_id} order: {@code row_id} (a long) and every other
   * column, in file order, with JSON-friendly values: numbers as {@code Long} or {@code Double},
   * booleans, text, and other types (dates, times) as their text; {@code null} where missing. For
   * the splits a person reads row by row (labeling tasks), not for training-size tables.
   *
   * @param limit the most rows read
   * @throws IOException when the file is missing or cannot be read
   */
  public static List<Map<String, Object>> readRows(Path parquet, long limit) throws IOException {
    Objects.requireNonNull(parquet, "parquet");
    requireFile(parquet);
    try (Connection c = DuckDb.open();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT * FROM read_parquet("
                    + DuckDb.literal(parquet)
                    + ") ORDER BY "
                    + CsvSplitter.ROW_ID
                    + " LIMIT "
                    + limit)) {
      return maps(rs);
    } catch (SQLException e) {
      throw new IOException("cannot read " + parquet + ": " + DuckDb.shortMessage(e), e);
    }
  }

  /** Every row of a Parquet file as maps, in file order (for files without {@code row_id}). */
  public static List<Map<String, Object>> readRowsUnordered(Path parquet) throws IOException {
    Objects.requireNonNull(parquet, "parquet");
    requireFile(parquet);
    try (Connection c = DuckDb.open();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT * FROM read_parquet(" + DuckDb.literal(parquet) + ")")) {
      return maps(rs);
    } catch (SQLException e) {
      throw new IOException("cannot read " + parquet + ": " + DuckDb.shortMessage(e), e);
    }
  }

  private static List<Map<String, Object>> maps(ResultSet rs) throws SQLException {
    var meta = rs.getMetaData();
    List<Map<String, Object>> rows = new java.util.ArrayList<>();
    while (rs.next()) {
      Map<String, Object> row = new LinkedHashMap<>();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        row.put(meta.getColumnName(i), jsonValue(rs.getObject(i)));
      }
      rows.add(row);
    }
    return rows;
  }

  private static Object jsonValue(Object value) {
    if (value == null || value instanceof Boolean || value instanceof String) {
      return value;
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof java.math.BigInteger big) {
      return big.longValue();
    }
    if (value instanceof Number number) {
      double d = number.doubleValue();
      return Double.isFinite(d) ? d : null;
    }
    return value.toString();
  }

  /** Each column's DuckDB type, in file order. */
  static Map<String, String> columnTypes(Connection c, String source) throws SQLException {
    Map<String, String> types = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + source)) {
      while (rs.next()) {
        types.put(rs.getString("column_name"), rs.getString("column_type"));
      }
    }
    return types;
  }

  private static void appendText(DuckDBAppender appender, String value) throws SQLException {
    if (value == null) {
      appender.appendNull();
    } else {
      appender.append(value);
    }
  }

  private static void requireFile(Path parquet) throws IOException {
    if (!Files.isRegularFile(parquet)) {
      throw new NoSuchFileException(parquet.toString(), null, "Parquet file not found");
    }
  }

  private static void requireColumn(
      Path parquet, Map<String, String> types, String column, String role) throws IOException {
    if (!types.containsKey(column)) {
      throw new InvalidSplitException(
          "column '"
              + column
              + "' ("
              + role
              + ") is not in "
              + parquet
              + "; its columns are "
              + List.copyOf(types.keySet()));
    }
  }
}
