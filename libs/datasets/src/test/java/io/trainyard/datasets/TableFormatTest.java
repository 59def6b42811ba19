package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TableFormatTest {

  @TempDir Path dir;

  private static final SplitConfig CONFIG =
      new SplitConfig("y", List.of(), new SplitRatios(0.6, 0.2, 0.2), true, 42, true);

  @Test
  void mediaTypesNameTheirFormat() {
    assertThat(TableFormat.ofMediaType("text/csv; charset=utf-8")).contains(TableFormat.CSV);
    assertThat(TableFormat.ofMediaType("application/x-ndjson")).contains(TableFormat.JSON_LINES);
    assertThat(TableFormat.ofMediaType("application/jsonl")).contains(TableFormat.JSON_LINES);
    assertThat(TableFormat.ofMediaType("application/vnd.apache.parquet"))
        .contains(TableFormat.PARQUET);
    assertThat(TableFormat.ofMediaType("application/json")).isEmpty();
    assertThat(TableFormat.ofMediaType(null)).isEmpty();
  }

  /** The same 50 rows as CSV text and as JSON Lines text. */
  private static String[] table() {
    StringBuilder csv = new StringBuilder("a,b,y\n");
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      double b = i * 0.25;
      csv.append(i).append(',').append(b).append(',').append(i % 2).append('\n');
      jsonl
          .append("{\"a\": ")
          .append(i)
          .append(", \"b\": ")
          .append(b)
          .append(", \"y\": ")
          .append(i % 2)
          .append("}\n");
    }
    return new String[] {csv.toString(), jsonl.toString()};
  }

  @Test
  void jsonLinesAndParquetSplitLikeTheSameCsv() throws Exception {
    String[] table = table();
    Path csv = Files.writeString(dir.resolve("t.csv"), table[0]);
    Path jsonl = Files.writeString(dir.resolve("t.jsonl"), table[1]);
    Path parquet = dir.resolve("t.parquet");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute(
          "COPY (SELECT * FROM read_csv('" + csv + "')) TO '" + parquet + "' (FORMAT parquet)");
    }

    IngestResult fromCsv = CsvSplitter.split(csv, CONFIG, dir.resolve("csv-out"));
    Path converted = dir.resolve("jsonl.csv");
    TableFormat.JSON_LINES.toCsv(jsonl, converted);
    IngestResult fromJson = CsvSplitter.split(converted, CONFIG, dir.resolve("jsonl-out"));
    Path convertedParquet = dir.resolve("parquet.csv");
    TableFormat.PARQUET.toCsv(parquet, convertedParquet);
    IngestResult fromParquet = CsvSplitter.split(convertedParquet, CONFIG, dir.resolve("pq-out"));

    assertThat(fromJson.schema()).isEqualTo(fromCsv.schema());
    assertThat(fromParquet.schema()).isEqualTo(fromCsv.schema());
    for (int i = 0; i < 3; i++) {
      NumericTable expected =
          ParquetTables.read(fromCsv.splits().get(i).file(), List.of("a", "b"), "y");
      for (IngestResult other : List.of(fromJson, fromParquet)) {
        NumericTable actual =
            ParquetTables.read(other.splits().get(i).file(), List.of("a", "b"), "y");
        assertThat(actual.rowIds()).isEqualTo(expected.rowIds());
        assertThat(actual.x()).isDeepEqualTo(expected.x());
        assertThat(actual.labels()).isEqualTo(expected.labels());
      }
    }
  }

  @Test
  void brokenInputAndNestedValuesAreValidationErrors() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.jsonl"), "{\"a\": 1}\n{\"a\": \n");
    assertThatThrownBy(() -> TableFormat.JSON_LINES.toCsv(broken, dir.resolve("x.csv")))
        .isInstanceOf(DatasetValidationException.class)
        .hasMessageStartingWith("the body is not valid JSON Lines");
    Path notParquet = Files.writeString(dir.resolve("not.parquet"), "a,b\n1,2\n");
    assertThatThrownBy(() -> TableFormat.PARQUET.toCsv(notParquet, dir.resolve("y.csv")))
        .isInstanceOf(DatasetValidationException.class)
        .hasMessageStartingWith("the body is not valid Parquet");
    Path nested =
        Files.writeString(dir.resolve("nested.jsonl"), "{\"a\": 1, \"n\": {\"k\": 2}, \"y\": 0}\n");
    assertThatThrownBy(() -> TableFormat.JSON_LINES.toCsv(nested, dir.resolve("z.csv")))
        .isInstanceOf(DatasetValidationException.class)
        .hasMessageContaining("column 'n' holds nested values")
        .extracting(e -> ((DatasetValidationException) e).column())
        .isEqualTo("n");
  }
}
