package io.trainyard.datasets;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Writes the table of a newly labeled dataset version: the parent version's labeled rows (train,
 * validation and test splits) with their {@value CsvSplitter#LABEL_SOURCE} ({@code original} unless
 * they carry one), and its unlabeled rows with the labels given to them (and their source); an
 * unlabeled row without a label stays unlabeled. The target keeps the parent's labeled type (a
 * label is cast to it, so {@code "1"} stays an integer); {@code row_id} is left out (ingestion
 * numbers the rows of the new version). Everything happens in DuckDB, out of the Java heap.
 */
public final class LabeledTables {

  /** The source of a label a parent version already had. */
  public static final String ORIGINAL = "original";

  private LabeledTables() {}

  /** A label and where it came from ({@code human}, {@code consensus}, {@code rule}, ...). */
  public record Label(String value, String source) {
    public Label {
      Objects.requireNonNull(value, "value");
      Objects.requireNonNull(source, "source");
    }
  }

  /**
   * Writes {@code out} (Parquet).
   *
   * @param labeled the parent's labeled split files (at least one)
   * @param unlabeled the parent's unlabeled split file
   * @param target the target column
   * @param labels the labels of unlabeled rows, by their {@code row_id}
   * @return the rows written by label source (rows left unlabeled are not counted)
   * @throws IOException when a file cannot be read or written, or a label does not fit the target's
   *     type
   */
  public static Map<String, Long> write(
      List<Path> labeled, Path unlabeled, String target, Map<Long, Label> labels, Path out)
      throws IOException {
    if (labeled.isEmpty()) {
      throw new IllegalArgumentException("give at least one labeled split");
    }
    String t = DuckDb.ident(target);
    String source = DuckDb.ident(CsvSplitter.LABEL_SOURCE);
    StringBuilder files = new StringBuilder("[");
    for (int i = 0; i < labeled.size(); i++) {
      files.append(i == 0 ? "" : ", ").append(DuckDb.literal(labeled.get(i)));
    }
    String parent = "read_parquet(" + files + "], union_by_name = true)";
    String rows = "read_parquet(" + DuckDb.literal(unlabeled) + ")";
    try (Connection c = DuckDb.open()) {
      Map<String, String> parentTypes = ParquetTables.columnTypes(c, parent);
      String type = parentTypes.get(target);
      if (type == null) {
        throw new IOException("the labeled splits have no column '" + target + "'");
      }
      boolean parentHasSource = parentTypes.containsKey(CsvSplitter.LABEL_SOURCE);
      boolean rowsHaveSource =
          ParquetTables.columnTypes(c, rows).containsKey(CsvSplitter.LABEL_SOURCE);
      DuckDb.execute(c, "CREATE TABLE labels (row_id BIGINT, label VARCHAR, source VARCHAR)");
      try (DuckDBAppender appender =
          c.unwrap(DuckDBConnection.class)
              .createAppender(DuckDBConnection.DEFAULT_SCHEMA, "labels")) {
        for (Map.Entry<Long, Label> e : labels.entrySet()) {
          appender.beginRow();
          appender.append(e.getKey());
          appender.append(e.getValue().value());
          appender.append(e.getValue().source());
          appender.endRow();
        }
      }
      String sql =
          "COPY (SELECT * EXCLUDE (row_id"
              + (parentHasSource ? ", " + source : "")
              + "), "
              + (parentHasSource
                  ? "coalesce(" + source + ", " + DuckDb.literal(ORIGINAL) + ")"
                  : DuckDb.literal(ORIGINAL))
              + " AS "
              + source
              + " FROM "
              + parent
              + " UNION ALL BY NAME SELECT u.* EXCLUDE (row_id, "
              + t
              + (rowsHaveSource ? ", " + source : "")
              + "), CAST(l.label AS "
              + type
              + ") AS "
              + t
              + ", l.source AS "
              + source
              + " FROM "
              + rows
              + " u LEFT JOIN labels l USING (row_id)) TO "
              + DuckDb.literal(out)
              + " (FORMAT parquet)";
      DuckDb.execute(c, sql);
      Map<String, Long> sources = new java.util.TreeMap<>();
      try (var s = c.createStatement();
          var rs =
              s.executeQuery(
                  "SELECT "
                      + source
                      + ", count(*) FROM read_parquet("
                      + DuckDb.literal(out)
                      + ") WHERE "
                      + source
                      + " IS NOT NULL GROUP BY 1")) {
        while (rs.next()) {
          sources.put(rs.getString(1), rs.getLong(2));
        }
      }
      return sources;
    } catch (SQLException e) {
      throw new IOException(
          "cannot write the labeled table " + out + ": " + DuckDb.shortMessage(e), e);
    }
  }
}
