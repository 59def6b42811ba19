package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetTablesTest {

  @TempDir Path dir;

  private static String lit(Path p) {
    return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
  }

  /** Writes a Parquet file with DuckDB from a SELECT. */
  private Path parquet(String name, String select) throws Exception {
    Path file = dir.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO " + lit(file) + " (FORMAT parquet)");
    }
    return file;
  }

  @Test
  void readsFeaturesAsDoublesOrderedByRowId() throws Exception {
    Path file =
        parquet(
            "t.parquet",
            "SELECT * FROM (VALUES (5::BIGINT, 1::BIGINT, 0.5::DOUBLE, 'yes', 'x'),"
                + " (2, NULL, 1.25, 'no', 'y'), (9, 3, NULL, 'yes', 'z'))"
                + " AS t(row_id, a, b, label, note)");

    NumericTable table = ParquetTables.read(file, List.of("b", "a"), "label");

    assertThat(table.rows()).isEqualTo(3);
    assertThat(table.rowIds()).containsExactly(2, 5, 9);
    assertThat(table.features()).containsExactly("b", "a");
    assertThat(table.x()[0][0]).isEqualTo(1.25);
    assertThat(table.x()[0][1]).isNaN();
    assertThat(table.x()[1]).containsExactly(0.5, 1.0);
    assertThat(table.x()[2][0]).isNaN();
    assertThat(table.x()[2][1]).isEqualTo(3.0);
    assertThat(table.labels()).containsExactly("no", "yes", "yes");
  }

  @Test
  void categoricalFeaturesReadAsCanonicalTextWithNullForMissing() throws Exception {
    Path file =
        parquet(
            "t.parquet",
            "SELECT * FROM (VALUES (1::BIGINT, 0.5::DOUBLE, 'x', true, 'a'),"
                + " (0, NULL, NULL, false, 'b'), (2, 2.0, 'y', NULL, 'a'))"
                + " AS t(row_id, v, kind, flag, label)");

    NumericTable table = ParquetTables.read(file, List.of("v"), List.of("kind", "flag"), "label");

    assertThat(table.rowIds()).containsExactly(0, 1, 2);
    assertThat(table.features()).containsExactly("v");
    assertThat(table.categorical()).containsExactly("kind", "flag");
    assertThat(table.x()[0][0]).isNaN();
    assertThat(table.text()[0]).containsExactly(null, "false");
    assertThat(table.text()[1]).containsExactly("x", "true");
    assertThat(table.text()[2]).containsExactly("y", null);
    assertThat(table.labels()).containsExactly("b", "a", "a");
  }

  @Test
  void nanOrInfinityInANumericFeatureIsRejectedWithItsRow() throws Exception {
    Path file =
        parquet(
            "t.parquet",
            "SELECT * FROM (VALUES (0::BIGINT, 1.0::DOUBLE, 'a'), (7, 'NaN'::DOUBLE, 'b'))"
                + " AS t(row_id, x, y)");
    assertThatThrownBy(() -> ParquetTables.read(file, List.of("x"), "y"))
        .isInstanceOf(InvalidSplitException.class)
        .hasMessageContaining("column 'x' (a feature)")
        .hasMessageEndingWith(
            "has the value NaN at row_id 7: a feature value must be a finite number or missing");
    Path infinite =
        parquet(
            "inf.parquet",
            "SELECT * FROM (VALUES (3::BIGINT, 'Infinity'::DOUBLE, 'a')) AS t(row_id, x, y)");
    assertThatThrownBy(() -> ParquetTables.read(infinite, List.of("x"), "y"))
        .isInstanceOf(InvalidSplitException.class)
        .hasMessageContaining("has the value Infinity at row_id 3");
  }

  @Test
  void decimalAndIntegerTargetsReadAsCanonicalText() throws Exception {
    Path file =
        parquet(
            "t.parquet",
            "SELECT * FROM (VALUES (0::BIGINT, 1.0::DECIMAL(4,2), 7::INTEGER),"
                + " (1, 0.5, 8)) AS t(row_id, d, i)");

    assertThat(ParquetTables.read(file, List.of(), "d").labels()).containsExactly("1", "0.5");
    assertThat(ParquetTables.read(file, List.of("d"), "i").labels()).containsExactly("7", "8");
  }

  @Test
  void missingColumnIsReportedWithTheColumns() throws Exception {
    Path file = parquet("t.parquet", "SELECT 0::BIGINT AS row_id, 1.0 AS a, 'x' AS label");

    assertThatThrownBy(() -> ParquetTables.read(file, List.of("a", "b"), "label"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("column 'b' (a feature) is not in ")
        .hasMessageEndingWith("its columns are [row_id, a, label]");
    assertThatThrownBy(() -> ParquetTables.read(file, List.of("a"), "target"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("column 'target' (the target) is not in ");
  }

  @Test
  void nonNumericFeatureIsRejected() throws Exception {
    Path file = parquet("t.parquet", "SELECT 0::BIGINT AS row_id, 'abc' AS merchant, 1 AS y");

    assertThatThrownBy(() -> ParquetTables.read(file, List.of("merchant"), "y"))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("column 'merchant' in ")
        .hasMessageEndingWith("must be numeric to be used as a feature, but has type VARCHAR");
  }

  @Test
  void missingTargetValueIsRejected() throws Exception {
    Path file =
        parquet(
            "t.parquet",
            "SELECT * FROM (VALUES (0::BIGINT, 1.0, 'a'), (4, 2.0, NULL)) AS t(row_id, x, y)");

    assertThatThrownBy(() -> ParquetTables.read(file, List.of("x"), "y"))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("column 'y' (the target)")
        .hasMessageEndingWith("has a missing value at row_id 4");
  }

  @Test
  void missingFileIsNoSuchFile() {
    assertThatThrownBy(() -> ParquetTables.rowCount(dir.resolve("none.parquet")))
        .isInstanceOf(NoSuchFileException.class);
    assertThatThrownBy(() -> ParquetTables.read(dir.resolve("none.parquet"), List.of(), "y"))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void notParquetIsAnIOException() throws Exception {
    Path file = Files.writeString(dir.resolve("bad.parquet"), "not parquet at all");

    assertThatThrownBy(() -> ParquetTables.rowCount(file))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("cannot read ");
  }

  @Test
  void writePredictionsRoundTrip() throws Exception {
    Path out = dir.resolve("eval").resolve("predictions.parquet");
    long[] rowIds = {7, 3, 11};
    String[] actual = {"1", "0", null};
    String[] predicted = {"1", "1", "0"};
    double[] score = {0.91, 0.55, 0.125};

    ParquetTables.writePredictions(out, rowIds, actual, predicted, score);

    assertThat(ParquetTables.rowCount(out)).isEqualTo(3);
    List<String> described = new ArrayList<>();
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + lit(out) + ")")) {
        while (rs.next()) {
          described.add(rs.getString(1) + " " + rs.getString(2));
        }
      }
      try (ResultSet rs = s.executeQuery("SELECT * FROM read_parquet(" + lit(out) + ")")) {
        while (rs.next()) {
          rows.add(
              rs.getLong(1)
                  + "|"
                  + rs.getString(2)
                  + "|"
                  + rs.getString(3)
                  + "|"
                  + rs.getDouble(4));
        }
      }
    }
    assertThat(described)
        .containsExactly("row_id BIGINT", "actual VARCHAR", "predicted VARCHAR", "score DOUBLE");
    assertThat(rows).containsExactly("7|1|1|0.91", "3|0|1|0.55", "11|null|0|0.125");
    assertThat(Files.list(out.getParent())).containsExactly(out);
  }

  @Test
  void multiclassAndRegressionPredictionsHaveTheirOwnColumns() throws Exception {
    Path multi = dir.resolve("multi.parquet");
    java.util.Map<String, double[]> scores = new java.util.LinkedHashMap<>();
    scores.put("score_cat", new double[] {0.7, 0.1});
    scores.put("score_dog food", new double[] {0.3, 0.9});
    ParquetTables.writePredictions(
        multi,
        new long[] {1, 2},
        new String[] {"cat", "dog food"},
        new String[] {"cat", "dog food"},
        scores);
    Path regression = dir.resolve("regression.parquet");
    ParquetTables.writeRegressionPredictions(
        regression, new long[] {5}, new double[] {2.5}, new double[] {2.25});
    List<String> described = new ArrayList<>();
    String row;
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (Path p : List.of(multi, regression)) {
        try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + lit(p) + ")")) {
          while (rs.next()) {
            described.add(rs.getString(1) + " " + rs.getString(2));
          }
        }
      }
      try (ResultSet rs =
          s.executeQuery("SELECT actual - predicted FROM read_parquet(" + lit(regression) + ")")) {
        rs.next();
        row = Double.toString(rs.getDouble(1));
      }
    }
    assertThat(described)
        .containsExactly(
            "row_id BIGINT",
            "actual VARCHAR",
            "predicted VARCHAR",
            "score_cat DOUBLE",
            "score_dog food DOUBLE",
            "row_id BIGINT",
            "actual DOUBLE",
            "predicted DOUBLE");
    assertThat(row).isEqualTo("0.25");
  }

  @Test
  void oneColumnIsReadInRowIdOrder() throws Exception {
    Path file =
        parquet(
            "slice.parquet",
            "SELECT * FROM (VALUES (3::BIGINT, 'DE', 1.5::DOUBLE), (1, NULL, NULL), (2, 'FR', 2.0))"
                + " AS t(row_id, country, amount)");
    ParquetTables.Column country = ParquetTables.readColumn(file, "country");
    assertThat(country.numeric()).isFalse();
    assertThat(country.text()).containsExactly(null, "FR", "DE");
    ParquetTables.Column amount = ParquetTables.readColumn(file, "amount");
    assertThat(amount.numeric()).isTrue();
    assertThat(amount.numbers()).containsExactly(Double.NaN, 2.0, 1.5);
    assertThatThrownBy(() -> ParquetTables.readColumn(file, "region"))
        .isInstanceOf(InvalidSplitException.class)
        .hasMessageContaining("column 'region' (a slice) is not in");
  }

  @Test
  void rowsAreReadAsJsonFriendlyMapsInRowIdOrder() throws Exception {
    Path file =
        parquet(
            "rows.parquet",
            "SELECT * FROM (VALUES (3::BIGINT, 'DE', 1.5::DOUBLE, true, 7::INTEGER,"
                + " DATE '2026-01-02'), (1, NULL, 'NaN'::DOUBLE, NULL, NULL, NULL),"
                + " (2, 'FR', 2.0, false, 8, DATE '2026-01-03'))"
                + " AS t(row_id, country, amount, online, items, day)");
    List<Map<String, Object>> rows = ParquetTables.readRows(file, 2);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0))
        .containsOnlyKeys("row_id", "country", "amount", "online", "items", "day");
    assertThat(rows.get(0).get("row_id")).isEqualTo(1L);
    assertThat(rows.get(0).get("amount")).isNull();
    assertThat(rows.get(0).get("country")).isNull();
    assertThat(rows.get(1))
        .containsEntry("row_id", 2L)
        .containsEntry("country", "FR")
        .containsEntry("amount", 2.0)
        .containsEntry("online", false)
        .containsEntry("items", 8L)
        .containsEntry("day", "2026-01-03");
  }

  @Test
  void writePredictionsChecksLengths() {
    assertThatThrownBy(
            () ->
                ParquetTables.writePredictions(
                    dir.resolve("p.parquet"),
                    new long[] {1, 2},
                    new String[] {"a", "b"},
                    new String[] {"a"},
                    new double[] {0.1, 0.2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("same length")
        .hasMessageContaining("2, 2 and 1");
  }

  @Test
  void filesConcatenateToCsvWithTheGivenColumns() throws Exception {
    Path first =
        parquet(
            "a.parquet",
            "SELECT * FROM (VALUES (3::BIGINT, 1.5::DOUBLE, 'x, \"quoted\"', 1::BIGINT),"
                + " (7, NULL, 'y', 0)) AS t(row_id, amount, note, fraud)");
    Path second =
        parquet(
            "b.parquet", "SELECT 1::BIGINT AS row_id, 2.0::DOUBLE AS amount, 1::BIGINT AS fraud");
    Path csv = dir.resolve("out.csv");

    ParquetTables.toCsv(List.of(first, second), List.of("amount", "note", "fraud"), csv);

    assertThat(Files.readAllLines(csv))
        .containsExactly("amount,note,fraud", "1.5,\"x, \"\"quoted\"\"\",1", ",y,0", "2.0,,1");
    assertThatThrownBy(() -> ParquetTables.toCsv(List.of(dir.resolve("none")), List.of("a"), csv))
        .isInstanceOf(NoSuchFileException.class);
  }
}
