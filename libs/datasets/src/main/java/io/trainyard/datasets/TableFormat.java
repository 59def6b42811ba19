package io.trainyard.datasets;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The table formats an upload may come in, by media type. {@link CsvSplitter} reads CSV; the other
 * formats are turned into an equivalent CSV first ({@link #toCsv}), so that every format goes
 * through the same validation, typing and splitting rules. Row order is kept, so {@code row_id} is
 * the row's position in the upload whatever its format.
 */
public enum TableFormat {
  /** RFC 4180 CSV with a header row. */
  CSV("text/csv"),
  /** JSON Lines: one JSON object per line; the keys are the columns. */
  JSON_LINES("application/x-ndjson"),
  /** Apache Parquet. */
  PARQUET("application/vnd.apache.parquet");

  /** Other media types accepted for JSON Lines. */
  static final String[] JSON_LINES_ALIASES = {"application/jsonl", "application/jsonlines"};

  private final String mediaType;

  TableFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  /** The canonical media type. */
  public String mediaType() {
    return mediaType;
  }

  /** The format of a {@code Content-Type} value (parameters such as charset are ignored). */
  public static Optional<TableFormat> ofMediaType(String contentType) {
    if (contentType == null) {
      return Optional.empty();
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    for (TableFormat format : values()) {
      if (format.mediaType.equals(type)) {
        return Optional.of(format);
      }
    }
    if (Arrays.asList(JSON_LINES_ALIASES).contains(type)) {
      return Optional.of(JSON_LINES);
    }
    return Optional.empty();
  }

  /**
   * Writes {@code input}, in this format, as CSV with a header row to {@code csv}; for {@link #CSV}
   * it copies the file. Nested values (JSON objects or arrays, Parquet structs and lists) are
   * refused: a table's cells are scalars.
   *
   * @throws DatasetValidationException when the input is not valid in this format, or has a nested
   *     column (the message names it)
   */
  public void toCsv(Path input, Path csv) throws DatasetValidationException, IOException {
    if (!Files.isRegularFile(input)) {
      throw new NoSuchFileException(input.toString());
    }
    if (this == CSV) {
      Files.copy(input, csv, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return;
    }
    String source =
        this == JSON_LINES
            ? "read_json(" + DuckDb.literal(input) + ", format = 'newline_delimited')"
            : "read_parquet(" + DuckDb.literal(input) + ")";
    try (Connection c = DuckDb.open()) {
      try {
        DuckDb.execute(c, "CREATE TABLE upload AS SELECT * FROM " + source);
      } catch (SQLException e) {
        throw new DatasetValidationException(
            null,
            "the body is not valid "
                + (this == JSON_LINES ? "JSON Lines" : "Parquet")
                + ": "
                + DuckDb.shortMessage(e));
      }
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("DESCRIBE upload")) {
        while (rs.next()) {
          String type = rs.getString("column_type");
          if (type.startsWith("STRUCT")
              || type.endsWith("[]")
              || type.startsWith("MAP")
              || type.equals("JSON")) {
            String name = rs.getString("column_name");
            throw new DatasetValidationException(
                name, "holds nested values (" + type + "); cells must be scalars");
          }
        }
      }
      DuckDb.execute(
          c, "COPY upload TO " + DuckDb.literal(csv) + " (FORMAT csv, HEADER true, DELIMITER ',')");
    } catch (SQLException e) {
      throw new IOException(
          "DuckDB failed while reading " + input + ": " + DuckDb.shortMessage(e), e);
    }
  }
}
