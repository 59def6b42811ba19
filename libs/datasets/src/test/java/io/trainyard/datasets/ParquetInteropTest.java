package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Parquet splits written by {@link CsvSplitter} (through DuckDB) open with the same row counts,
 * column order, column types and values in a second, independent reader: parquet-java, used without
 * Hadoop ({@link LocalInputFile}, a plain configuration, the example {@link Group} record model).
 */
class ParquetInteropTest {

  @TempDir Path dir;

  /** How a column is expected in the footer (parquet-java) and in DuckDB's DESCRIBE. */
  private record Expected(
      String name,
      PrimitiveTypeName physical,
      LogicalTypeAnnotation logical,
      String duckType,
      String trainyardType) {}

  private static final List<Expected> COLUMNS =
      List.of(
          new Expected("row_id", PrimitiveTypeName.INT64, null, "BIGINT", null),
          new Expected("id", PrimitiveTypeName.INT64, null, "BIGINT", Column.INTEGER),
          new Expected("amount", PrimitiveTypeName.DOUBLE, null, "DOUBLE", Column.NUMBER),
          new Expected("count", PrimitiveTypeName.INT64, null, "BIGINT", Column.INTEGER),
          new Expected("verified", PrimitiveTypeName.BOOLEAN, null, "BOOLEAN", Column.BOOLEAN),
          new Expected(
              "note",
              PrimitiveTypeName.BINARY,
              LogicalTypeAnnotation.stringType(),
              "VARCHAR",
              Column.STRING),
          new Expected("is_fraud", PrimitiveTypeName.BOOLEAN, null, "BOOLEAN", Column.BOOLEAN));

  /**
   * 40 rows: amount is missing in every 7th row, verified (excluded) in every 9th, note (excluded
   * text, with a quoted comma and non-ASCII text) in every 11th; row 13 has no target, so it goes
   * to the unlabeled split.
   */
  private Path csv() throws IOException {
    StringBuilder b = new StringBuilder("id,amount,count,verified,note,is_fraud\n");
    for (int i = 0; i < 40; i++) {
      String amount = i % 7 == 3 ? "" : String.valueOf(i * 1.25 + 0.5);
      String verified = i % 9 == 4 ? "" : (i % 2 == 0 ? "true" : "FALSE");
      String note =
          i % 11 == 5 ? "" : i == 8 ? "\"comma, inside\"" : i == 9 ? "café ü" : "note " + i;
      String target = i == 13 ? "" : (i % 3 == 0 ? "true" : "false");
      b.append(1000 + i)
          .append(',')
          .append(amount)
          .append(',')
          .append(i % 5)
          .append(',')
          .append(verified)
          .append(',')
          .append(note)
          .append(',')
          .append(target)
          .append('\n');
    }
    return Files.writeString(dir.resolve("interop.csv"), b.toString());
  }

  /** The value CSV row i should have in column c (row_id = i), as Java objects; null = NULL. */
  private static Object expectedValue(int i, String column) {
    return switch (column) {
      case "row_id" -> (long) i;
      case "id" -> 1000L + i;
      case "amount" -> i % 7 == 3 ? null : i * 1.25 + 0.5;
      case "count" -> (long) (i % 5);
      case "verified" -> i % 9 == 4 ? null : i % 2 == 0;
      case "note" ->
          i % 11 == 5 ? null : i == 8 ? "comma, inside" : i == 9 ? "café ü" : "note " + i;
      case "is_fraud" -> i == 13 ? null : i % 3 == 0;
      default -> throw new IllegalArgumentException(column);
    };
  }

  @Test
  void splitsReadTheSameInParquetJavaAndDuckDb() throws Exception {
    IngestResult result =
        CsvSplitter.split(
            csv(),
            new SplitConfig(
                "is_fraud",
                List.of("id", "verified", "note"),
                new SplitRatios(0.6, 0.2, 0.2),
                false,
                7,
                false),
            dir.resolve("out"));

    // The splitter's own logical schema is the one both readers must see.
    assertThat(result.schema())
        .containsExactlyElementsOf(
            COLUMNS.stream()
                .filter(c -> c.trainyardType() != null)
                .map(c -> new Column(c.name(), c.trainyardType()))
                .toList());
    assertThat(result.splits())
        .extracting(SplitFile::name)
        .containsExactly("train", "validation", "test", CsvSplitter.UNLABELED);

    long total = 0;
    Map<Long, String> splitOfRow = new HashMap<>();
    for (SplitFile split : result.splits()) {
      String what = split.name() + ".parquet";
      ParquetJavaView java = readWithParquetJava(split.file());
      DuckDbView duck = readWithDuckDb(split.file());

      // Row counts: footer, records actually read, DuckDB count(*) and the splitter agree.
      assertThat(split.rows()).as("%s rows", what).isPositive();
      assertThat(java.footerRows()).as("%s footer rows", what).isEqualTo(split.rows());
      assertThat(java.rows())
          .as("%s records read by parquet-java", what)
          .hasSize((int) split.rows());
      assertThat(duck.count()).as("%s count(*) in DuckDB", what).isEqualTo(split.rows());
      assertThat(duck.rows()).as("%s rows read by DuckDB", what).hasSize((int) split.rows());

      // Column order and types.
      assertThat(java.names()).as("%s column order, parquet-java", what).isEqualTo(names());
      assertThat(duck.names()).as("%s column order, DuckDB", what).isEqualTo(names());
      for (int c = 0; c < COLUMNS.size(); c++) {
        Expected e = COLUMNS.get(c);
        PrimitiveType type = java.schema().getType(c).asPrimitiveType();
        assertThat(type.getPrimitiveTypeName())
            .as("%s %s physical type", what, e.name())
            .isEqualTo(e.physical());
        // a plain INT64 may also carry the signed 64-bit integer annotation
        List<LogicalTypeAnnotation> accepted = new ArrayList<>();
        accepted.add(e.logical());
        if (e.physical() == PrimitiveTypeName.INT64) {
          accepted.add(LogicalTypeAnnotation.intType(64, true));
        }
        assertThat(type.getLogicalTypeAnnotation())
            .as("%s %s logical type", what, e.name())
            .isIn(accepted);
        // A flat column; OPTIONAL when this file holds a NULL in it (DuckDB writes REQUIRED
        // for a column without NULLs).
        final int column = c;
        boolean hasNull = java.rows().stream().anyMatch(r -> r.get(column) == null);
        assertThat(type.getRepetition())
            .as("%s %s repetition", what, e.name())
            .isIn(
                hasNull
                    ? List.of(Type.Repetition.OPTIONAL)
                    : List.of(Type.Repetition.OPTIONAL, Type.Repetition.REQUIRED));
        assertThat(duck.types().get(c))
            .as("%s %s DuckDB type", what, e.name())
            .isEqualTo(e.duckType());
      }

      // Values: the two readers see the same rows in the same order, NULLs included, and those
      // are the CSV's values.
      assertThat(java.rows()).as("%s values, parquet-java vs DuckDB", what).isEqualTo(duck.rows());
      for (List<Object> row : java.rows()) {
        int i = Math.toIntExact((Long) row.get(0));
        for (int c = 0; c < COLUMNS.size(); c++) {
          assertThat(row.get(c))
              .as("%s row_id %d column %s", what, i, COLUMNS.get(c).name())
              .isEqualTo(expectedValue(i, COLUMNS.get(c).name()));
        }
        assertThat(splitOfRow.put((long) i, split.name())).as("row %d in two splits", i).isNull();
      }
      total += split.rows();
    }

    assertThat(total).isEqualTo(40);
    assertThat(splitOfRow).hasSize(40);
    assertThat(splitOfRow.get(13L)).isEqualTo(CsvSplitter.UNLABELED);
    // Rows with NULLs landed somewhere and were compared above: amount (3, 10, 17...), verified
    // (4, 13...), note (5, 16...), and the target of the unlabeled row.
    assertThat(splitOfRow).containsKeys(3L, 4L, 5L, 8L, 9L, 13L);
  }

  private static List<String> names() {
    return COLUMNS.stream().map(Expected::name).toList();
  }

  // ---------------------------------------------------------------- parquet-java

  private record ParquetJavaView(MessageType schema, long footerRows, List<List<Object>> rows) {
    List<String> names() {
      return schema.getFields().stream().map(Type::getName).toList();
    }
  }

  /** Reads the footer and every record through parquet-java, without Hadoop. */
  private static ParquetJavaView readWithParquetJava(Path file) throws IOException {
    ParquetReadOptions options =
        new ParquetReadOptions.Builder(new PlainParquetConfiguration()).build();
    try (ParquetFileReader reader = new ParquetFileReader(new LocalInputFile(file), options)) {
      ParquetMetadata footer = reader.getFooter();
      MessageType schema = footer.getFileMetaData().getSchema();
      long footerRows = footer.getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
      assertThat(reader.getRecordCount()).isEqualTo(footerRows);
      MessageColumnIO io = new ColumnIOFactory().getColumnIO(schema);
      List<List<Object>> rows = new ArrayList<>();
      PageReadStore rowGroup;
      while ((rowGroup = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records =
            io.getRecordReader(rowGroup, new GroupRecordConverter(schema));
        for (long r = 0; r < rowGroup.getRowCount(); r++) {
          rows.add(values(records.read(), schema));
        }
      }
      return new ParquetJavaView(schema, footerRows, rows);
    }
  }

  private static List<Object> values(Group g, MessageType schema) {
    List<Object> row = new ArrayList<>();
    for (int c = 0; c < schema.getFieldCount(); c++) {
      if (g.getFieldRepetitionCount(c) == 0) {
        row.add(null);
        continue;
      }
      row.add(
          switch (schema.getType(c).asPrimitiveType().getPrimitiveTypeName()) {
            case INT64 -> g.getLong(c, 0);
            case DOUBLE -> g.getDouble(c, 0);
            case BOOLEAN -> g.getBoolean(c, 0);
            case BINARY -> g.getString(c, 0);
            default -> throw new AssertionError("unexpected column type " + schema.getType(c));
          });
    }
    return row;
  }

  // ---------------------------------------------------------------- DuckDB

  private record DuckDbView(
      List<String> names, List<String> types, long count, List<List<Object>> rows) {}

  private static DuckDbView readWithDuckDb(Path file) throws SQLException {
    String source = "read_parquet(" + DuckDb.literal(file) + ")";
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      List<String> names = new ArrayList<>();
      List<String> types = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + source)) {
        while (rs.next()) {
          names.add(rs.getString("column_name"));
          types.add(rs.getString("column_type"));
        }
      }
      long count;
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + source)) {
        rs.next();
        count = rs.getLong(1);
      }
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet rs = s.executeQuery("SELECT * FROM " + source)) {
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<Object> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(rs.getObject(i));
          }
          rows.add(row);
        }
      }
      return new DuckDbView(names, types, count, rows);
    }
  }
}
