package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSplitterTest {

  private static final SplitRatios RATIOS = new SplitRatios(0.7, 0.15, 0.15);

  @TempDir Path dir;

  // ---------------------------------------------------------------- fixtures

  /** 200 distinct transactions, about 20% fraud, then 10 exact copies of earlier rows. */
  private static List<String> transactions() {
    Random random = new Random(20240611L);
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int fraud = random.nextDouble() < 0.2 ? 1 : 0;
      double amount = Math.round(random.nextDouble() * 100_000) / 100.0;
      int count = random.nextInt(50);
      rows.add(i + "," + amount + "," + count + "," + (100 + random.nextInt(7)) + "," + fraud);
    }
    for (int i = 0; i < 10; i++) {
      rows.add(rows.get(i * 13));
    }
    return rows;
  }

  private static final String HEADER = "id,amount,count,merchant_code,is_fraud";

  private Path csv(String name, String header, List<String> rows) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(header);
    lines.addAll(rows);
    return Files.write(dir.resolve(name), lines);
  }

  private Path csv(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content);
  }

  private static SplitConfig config(boolean stratify, long seed, boolean dedupe) {
    return new SplitConfig("is_fraud", List.of("id"), RATIOS, stratify, seed, dedupe);
  }

  private static SplitConfig textTarget(String target) {
    return new SplitConfig(target, List.of(), new SplitRatios(1, 0, 0), false, 1, false);
  }

  /** The rows of a DuckDB query, for the tests of this package. */
  static List<List<Object>> query(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<List<Object>> rows = new ArrayList<>();
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
      return rows;
    }
  }

  private static String lit(Path p) {
    return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
  }

  /** The rows of a split as their content without row_id, sorted. */
  private static List<String> content(SplitFile split) throws SQLException {
    return query("SELECT * EXCLUDE (row_id) FROM read_parquet(" + lit(split.file()) + ")").stream()
        .map(Object::toString)
        .sorted()
        .collect(Collectors.toList());
  }

  private static List<Long> rowIds(SplitFile split) throws SQLException {
    return query("SELECT row_id FROM read_parquet(" + lit(split.file()) + ")").stream()
        .map(r -> (Long) r.get(0))
        .collect(Collectors.toList());
  }

  private static DatasetValidationException invalid(Path csv, SplitConfig config, Path out) {
    try {
      CsvSplitter.split(csv, config, out);
    } catch (DatasetValidationException e) {
      return e;
    } catch (IOException e) {
      throw new AssertionError("expected a DatasetValidationException, got " + e, e);
    }
    throw new AssertionError("expected a DatasetValidationException, but the split succeeded");
  }

  // ---------------------------------------------------------------- happy path

  @Test
  void splitsDedupesAndDescribesTheDataset() throws Exception {
    Path file = csv("tx.csv", HEADER, transactions());

    IngestResult result = CsvSplitter.split(file, config(false, 42, true), dir.resolve("out"));

    assertThat(result.inputRows()).isEqualTo(210);
    assertThat(result.duplicatesDropped()).isEqualTo(10);
    assertThat(result.target()).isEqualTo("is_fraud");
    assertThat(result.features()).containsExactly("amount", "count", "merchant_code");
    assertThat(result.schema())
        .containsExactly(
            new Column("id", "integer"),
            new Column("amount", "number"),
            new Column("count", "integer"),
            new Column("merchant_code", "integer"),
            new Column("is_fraud", "integer"));
    assertThat(result.targetValues()).containsExactly("0", "1");
    assertThat(result.splits())
        .extracting(SplitFile::name)
        .containsExactly("train", "validation", "test");
    // 200 rows left: round(200 * 0.7) = 140, round(200 * 0.15) = 30, the rest 30
    assertThat(result.splits()).extracting(SplitFile::rows).containsExactly(140L, 30L, 30L);
    List<Long> all = new ArrayList<>();
    for (SplitFile split : result.splits()) {
      assertThat(split.file()).isEqualTo(dir.resolve("out").resolve(split.name() + ".parquet"));
      assertThat(ParquetTables.rowCount(split.file())).isEqualTo(split.rows());
      List<Long> ids = rowIds(split);
      assertThat(ids).isSorted();
      all.addAll(ids);
    }
    // every distinct row exactly once; the copies (row_ids 200..209) are the ones dropped
    Collections.sort(all);
    assertThat(all).hasSize(200).doesNotHaveDuplicates().allMatch(id -> id < 200);
    assertThat(Files.list(dir.resolve("out")).map(p -> p.getFileName().toString()))
        .containsExactlyInAnyOrder("train.parquet", "validation.parquet", "test.parquet");
  }

  @Test
  void writesRowIdFirstThenTheInputColumnsWithNumericFeatureTypes() throws Exception {
    Path file =
        csv(
            "types.csv",
            "id,amount,count,label,note\n"
                + "1,1.5,3,yes,2024-01-01\n"
                + "2,2,4,no,2024-01-02\n"
                + "3,2.25,5,yes,2024-01-03\n"
                + "4,8,6,no,2024-01-04\n");
    SplitConfig config =
        new SplitConfig(
            "label", List.of("id", "note"), new SplitRatios(0.5, 0.5, 0), false, 1, false);

    IngestResult result = CsvSplitter.split(file, config, dir.resolve("out"));

    assertThat(result.features()).containsExactly("amount", "count");
    assertThat(result.schema())
        .extracting(Column::type)
        .containsExactly("integer", "number", "integer", "string", "string");
    List<List<Object>> described =
        query("DESCRIBE SELECT * FROM read_parquet(" + lit(result.splits().get(0).file()) + ")");
    assertThat(described)
        .extracting(r -> r.get(0) + " " + r.get(1))
        .containsExactly(
            "row_id BIGINT",
            "id BIGINT",
            "amount DOUBLE",
            "count BIGINT",
            "label VARCHAR",
            "note VARCHAR");
    assertThat(result.splits()).extracting(SplitFile::rows).containsExactly(2L, 2L, 0L);
    assertThat(result.targetValues()).containsExactly("no", "yes"); // text, not booleans
    assertThat(ParquetTables.rowCount(result.splits().get(2).file())).isZero();
  }

  /** Golden split: expected membership computed independently in Python (hashlib.sha256). */
  @Test
  void splitMatchesTheDocumentedAlgorithm() throws Exception {
    // Python: key = int.from_bytes(sha256((f"{seed}\x1f" + "\x1f".join(row)).encode())
    //                .digest()[:8], "big"); rows sorted by (key, row_id); first 6 train, next 2
    //                validation, last 2 test. y is DOUBLE, so "2.0" is hashed as "2".
    Path file =
        csv(
            "golden.csv",
            "x,y,label\n1,0.5,a\n2,1.5,b\n3,2.0,a\n4,-0.25,b\n5,10.0,a\n6,0.125,b\n7,3.5,a\n"
                + "8,4.0,b\n9,100.5,a\n10,7.0,b\n");
    SplitRatios ratios = new SplitRatios(0.6, 0.2, 0.2);

    IngestResult seed42 =
        CsvSplitter.split(
            file, new SplitConfig("label", List.of(), ratios, false, 42, false), dir.resolve("a"));
    assertThat(rowIds(seed42.splits().get(0))).containsExactly(2L, 3L, 4L, 5L, 8L, 9L);
    assertThat(rowIds(seed42.splits().get(1))).containsExactly(6L, 7L);
    assertThat(rowIds(seed42.splits().get(2))).containsExactly(0L, 1L);

    IngestResult seed7 =
        CsvSplitter.split(
            file, new SplitConfig("label", List.of(), ratios, false, 7, false), dir.resolve("b"));
    assertThat(rowIds(seed7.splits().get(0))).containsExactly(1L, 2L, 4L, 5L, 6L, 7L);
    assertThat(rowIds(seed7.splits().get(1))).containsExactly(8L, 9L);
    assertThat(rowIds(seed7.splits().get(2))).containsExactly(0L, 3L);
  }

  @Test
  void stratifiedSplitKeepsClassProportions() throws Exception {
    Path file = csv("tx.csv", HEADER, transactions());

    IngestResult result = CsvSplitter.split(file, config(true, 42, true), dir.resolve("out"));

    Map<String, Long> total = new HashMap<>();
    List<Map<String, Long>> perSplit = new ArrayList<>();
    for (SplitFile split : result.splits()) {
      Map<String, Long> counts = new LinkedHashMap<>();
      for (List<Object> row :
          query(
              "SELECT is_fraud, count(*) FROM read_parquet("
                  + lit(split.file())
                  + ") GROUP BY is_fraud")) {
        counts.put(row.get(0).toString(), (Long) row.get(1));
        total.merge(row.get(0).toString(), (Long) row.get(1), Long::sum);
      }
      perSplit.add(counts);
    }
    assertThat(total.keySet()).containsExactlyInAnyOrder("0", "1");
    assertThat(total.get("1")).isBetween(20L, 80L); // the fixture really is imbalanced
    double[] ratios = {0.7, 0.15, 0.15};
    for (String label : total.keySet()) {
      long n = total.get(label);
      for (int s = 0; s < 3; s++) {
        long got = perSplit.get(s).getOrDefault(label, 0L);
        assertThat((double) got)
            .as("class %s in %s", label, result.splits().get(s).name())
            .isCloseTo(n * ratios[s], org.assertj.core.api.Assertions.within(1.0));
      }
      // exactly the documented rounding for train
      assertThat(perSplit.get(0).get(label)).isEqualTo(Math.round(n * 0.7));
    }
  }

  @Test
  void splitDependsOnContentNotRowOrder() throws Exception {
    List<String> rows = transactions();
    List<String> shuffled = new ArrayList<>(rows);
    Collections.shuffle(shuffled, new Random(3));
    assertThat(shuffled).isNotEqualTo(rows);

    IngestResult a =
        CsvSplitter.split(csv("a.csv", HEADER, rows), config(false, 42, true), dir.resolve("a"));
    IngestResult b =
        CsvSplitter.split(
            csv("b.csv", HEADER, shuffled), config(false, 42, true), dir.resolve("b"));

    for (int s = 0; s < 3; s++) {
      assertThat(content(b.splits().get(s))).isEqualTo(content(a.splits().get(s)));
    }
    assertThat(rowIds(b.splits().get(0))).isNotEqualTo(rowIds(a.splits().get(0)));
  }

  @Test
  void stratifiedSplitAlsoDependsOnContentNotRowOrder() throws Exception {
    List<String> rows = transactions();
    List<String> reversed = new ArrayList<>(rows);
    Collections.reverse(reversed);

    IngestResult a =
        CsvSplitter.split(csv("a.csv", HEADER, rows), config(true, 5, false), dir.resolve("a"));
    IngestResult b =
        CsvSplitter.split(csv("b.csv", HEADER, reversed), config(true, 5, false), dir.resolve("b"));

    for (int s = 0; s < 3; s++) {
      assertThat(content(b.splits().get(s))).isEqualTo(content(a.splits().get(s)));
    }
  }

  @Test
  void anotherSeedGivesAnotherSplit() throws Exception {
    Path file = csv("tx.csv", HEADER, transactions());

    IngestResult a = CsvSplitter.split(file, config(false, 42, true), dir.resolve("a"));
    IngestResult again = CsvSplitter.split(file, config(false, 42, true), dir.resolve("again"));
    IngestResult b = CsvSplitter.split(file, config(false, 43, true), dir.resolve("b"));

    assertThat(rowIds(again.splits().get(0))).isEqualTo(rowIds(a.splits().get(0)));
    assertThat(b.splits().get(0).rows()).isEqualTo(a.splits().get(0).rows());
    assertThat(rowIds(b.splits().get(0))).isNotEqualTo(rowIds(a.splits().get(0)));
  }

  @Test
  void withoutDedupeDuplicatesStay() throws Exception {
    IngestResult result =
        CsvSplitter.split(
            csv("tx.csv", HEADER, transactions()), config(false, 1, false), dir.resolve("out"));

    assertThat(result.duplicatesDropped()).isZero();
    assertThat(result.splits()).extracting(SplitFile::rows).containsExactly(147L, 32L, 31L);
  }

  @Test
  void dedupeKeepsTheLowestRowIdAndTreatsEmptyCellsAsEqual() throws Exception {
    Path file =
        csv(
            "dups.csv",
            "a,b,t\n1,,0\n2,5,1\n1,,0\n2,5,1\n1,,1\n3,6,0\n4,7,1\n5,8,0\n6,9,1\n7,1,0\n");
    SplitConfig config =
        new SplitConfig("t", List.of(), new SplitRatios(0.5, 0.25, 0.25), false, 9, true);

    IngestResult result = CsvSplitter.split(file, config, dir.resolve("out"));

    assertThat(result.inputRows()).isEqualTo(10);
    assertThat(result.duplicatesDropped()).isEqualTo(2);
    List<Long> ids = new ArrayList<>();
    for (SplitFile split : result.splits()) {
      ids.addAll(rowIds(split));
    }
    assertThat(ids).containsExactlyInAnyOrder(0L, 1L, 4L, 5L, 6L, 7L, 8L, 9L);
  }

  @Test
  void missingFeatureValuesSurviveAsNaN() throws Exception {
    Path file = csv("gaps.csv", "f1,f2,target\n1.5,,1\n,2,0\n3.5,4,1\n4.5,5,0\n");
    SplitConfig config =
        new SplitConfig("target", List.of(), new SplitRatios(1, 0, 0), false, 0, false);

    IngestResult result = CsvSplitter.split(file, config, dir.resolve("out"));
    NumericTable table =
        ParquetTables.read(result.splits().get(0).file(), result.features(), "target");

    assertThat(table.rowIds()).containsExactly(0, 1, 2, 3);
    assertThat(table.features()).containsExactly("f1", "f2");
    assertThat(table.x()[0][0]).isEqualTo(1.5);
    assertThat(table.x()[0][1]).isNaN();
    assertThat(table.x()[1][0]).isNaN();
    assertThat(table.x()[1][1]).isEqualTo(2.0);
    assertThat(table.x()[3]).containsExactly(4.5, 5.0);
    assertThat(table.labels()).containsExactly("1", "0", "1", "0");
  }

  @Test
  void aFeatureWithEveryCellEmptyIsAnAllMissingNumberColumn() throws Exception {
    Path file = csv("empty-col.csv", "f1,f2,target\n1,,a\n2,,b\n");
    SplitConfig config =
        new SplitConfig("target", List.of(), new SplitRatios(1, 0, 0), false, 0, false);

    IngestResult result = CsvSplitter.split(file, config, dir.resolve("out"));

    assertThat(result.schema()).contains(new Column("f2", "number"));
    NumericTable table =
        ParquetTables.read(result.splits().get(0).file(), List.of("f1", "f2"), "target");
    assertThat(table.x()[0][1]).isNaN();
    assertThat(table.x()[1][1]).isNaN();
  }

  @Test
  void labelsAreCanonicalText() throws Exception {
    SplitConfig config = new SplitConfig("y", List.of(), new SplitRatios(1, 0, 0), false, 0, false);

    IngestResult doubles =
        CsvSplitter.split(csv("d.csv", "x,y\n1,1.0\n2,0.0\n3,2.5\n"), config, dir.resolve("d"));
    assertThat(doubles.targetValues()).containsExactly("0", "1", "2.5");
    assertThat(ParquetTables.read(doubles.splits().get(0).file(), List.of("x"), "y").labels())
        .containsExactly("1", "0", "2.5");

    IngestResult booleans =
        CsvSplitter.split(csv("b.csv", "x,y\n1,True\n2,false\n"), config, dir.resolve("b"));
    assertThat(booleans.schema()).contains(new Column("y", "boolean"));
    assertThat(booleans.targetValues()).containsExactly("false", "true");
    assertThat(ParquetTables.read(booleans.splits().get(0).file(), List.of("x"), "y").labels())
        .containsExactly("true", "false");

    IngestResult text =
        CsvSplitter.split(
            csv("s.csv", "x,y\n1,spam\n2,ham\n3,\"eggs, fried\"\n"), config, dir.resolve("s"));
    assertThat(text.targetValues()).containsExactly("eggs, fried", "ham", "spam");

    IngestResult numbers =
        CsvSplitter.split(csv("n.csv", "x,y\n1,10\n2,9\n3,100\n"), config, dir.resolve("n"));
    assertThat(numbers.targetValues()).containsExactly("9", "10", "100");
  }

  @Test
  void replacesExistingSplitFiles() throws Exception {
    Path out = dir.resolve("out");
    Path file = csv("tx.csv", HEADER, transactions());
    CsvSplitter.split(file, config(false, 1, true), out);
    IngestResult second =
        CsvSplitter.split(
            csv("small.csv", HEADER, transactions().subList(0, 40)), config(false, 1, true), out);

    assertThat(ParquetTables.rowCount(out.resolve("train.parquet"))).isEqualTo(28);
    assertThat(second.splits().get(0).rows()).isEqualTo(28);
  }

  // ---------------------------------------------------------------- unlabeled rows

  /** transactions() with unlabeled rows (empty or blank target) mixed in, one duplicated. */
  private static List<String> withUnlabeled(List<String> labeled) {
    List<String> rows = new ArrayList<>(labeled);
    for (int i = 0; i < 30; i++) {
      String row = (1000 + i) + "," + (i * 3 + 0.25) + "," + i + "," + (100 + i % 7) + ",";
      rows.add(i * 7, i % 3 == 0 ? row + " " : row);
    }
    rows.add(rows.get(14)); // a duplicate unlabeled row
    return rows;
  }

  @Test
  void unlabeledRowsGoToTheUnlabeledSplitWithTheirRowIds() throws Exception {
    List<String> rows = withUnlabeled(transactions());
    Path file = csv("tx.csv", HEADER, rows);
    List<Long> expected = new ArrayList<>();
    for (int r = 0; r < rows.size(); r++) {
      if (rows.get(r).endsWith(",") || rows.get(r).endsWith(", ")) {
        expected.add((long) r);
      }
    }
    expected.remove(expected.size() - 1); // the duplicate is dropped

    IngestResult result = CsvSplitter.split(file, config(true, 42, true), dir.resolve("out"));

    assertThat(result.splits())
        .extracting(SplitFile::name)
        .containsExactly("train", "validation", "test", CsvSplitter.UNLABELED);
    SplitFile unlabeled = result.splits().get(3);
    assertThat(unlabeled.file()).isEqualTo(dir.resolve("out").resolve("unlabeled.parquet"));
    assertThat(unlabeled.rows()).isEqualTo(30).isEqualTo(result.unlabeledRows());
    assertThat(rowIds(unlabeled)).isEqualTo(expected);
    assertThat(result.inputRows()).isEqualTo(241);
    assertThat(result.duplicatesDropped()).isEqualTo(11);
    assertThat(result.targetValues()).containsExactly("0", "1");
    assertThat(result.schema()).contains(new Column("is_fraud", "integer"));
    assertThat(result.splits().subList(0, 3).stream().mapToLong(SplitFile::rows).sum())
        .isEqualTo(200);
    // Same columns as the other splits; the target is NULL (blank cells too).
    assertThat(
            query(
                "SELECT count(*), count(is_fraud), min(id), max(id) FROM read_parquet("
                    + lit(unlabeled.file())
                    + ")"))
        .containsExactly(List.of(30L, 0L, 1000L, 1029L));
    assertThat(query("DESCRIBE SELECT * FROM read_parquet(" + lit(unlabeled.file()) + ")"))
        .isEqualTo(
            query(
                "DESCRIBE SELECT * FROM read_parquet(" + lit(result.splits().get(0).file()) + ")"));

    DatasetMetadata metadata = DatasetMetadata.of("fraud", 1, "abc", result);
    assertThat(metadata.splits())
        .containsEntry("unlabeled", 30L)
        .containsEntry("train", result.splits().get(0).rows())
        .hasSize(4);
  }

  @Test
  void labeledRowsSplitAsIfTheUnlabeledRowsWereNotThere() throws Exception {
    for (boolean stratify : new boolean[] {false, true}) {
      Path mixed = csv("mixed.csv", HEADER, withUnlabeled(transactions()));
      Path labeled = csv("labeled.csv", HEADER, transactions());

      IngestResult a = CsvSplitter.split(mixed, config(stratify, 7, true), dir.resolve("a"));
      IngestResult b = CsvSplitter.split(labeled, config(stratify, 7, true), dir.resolve("b"));

      assertThat(a.splits()).hasSize(4);
      assertThat(b.splits()).hasSize(3);
      assertThat(b.unlabeledRows()).isZero();
      assertThat(a.schema()).isEqualTo(b.schema());
      assertThat(a.targetValues()).isEqualTo(b.targetValues());
      for (int s = 0; s < 3; s++) {
        assertThat(a.splits().get(s).rows()).isEqualTo(b.splits().get(s).rows());
        assertThat(content(a.splits().get(s))).isEqualTo(content(b.splits().get(s)));
      }
    }
  }

  @Test
  void blankTextTargetIsUnlabeled() throws Exception {
    Path file = csv("blank.csv", "x,label\n1,a\n2,\" \"\n3,b\n4,\n");
    SplitConfig config =
        new SplitConfig("label", List.of(), new SplitRatios(1, 0, 0), false, 1, false);

    IngestResult result = CsvSplitter.split(file, config, dir.resolve("out"));

    assertThat(result.targetValues()).containsExactly("a", "b");
    assertThat(rowIds(result.splits().get(0))).containsExactly(0L, 2L);
    assertThat(rowIds(result.splits().get(3))).containsExactly(1L, 3L);
    assertThat(
            query("SELECT x, label FROM read_parquet(" + lit(result.splits().get(3).file()) + ")"))
        .containsExactly(Arrays.asList(2L, null), Arrays.asList(4L, null));
  }

  @Test
  void blankCellsDoNotTurnABooleanTargetIntoText() throws Exception {
    Path file = csv("bool.csv", "x,ok\n1,true\n2, \n3,FALSE\n");
    SplitConfig config =
        new SplitConfig("ok", List.of(), new SplitRatios(1, 0, 0), false, 1, false);

    IngestResult result = CsvSplitter.split(file, config, dir.resolve("out"));

    assertThat(result.schema()).contains(new Column("ok", "boolean"));
    assertThat(result.targetValues()).containsExactly("false", "true");
    assertThat(result.unlabeledRows()).isEqualTo(1);
  }

  @Test
  void withoutUnlabeledRowsAStaleUnlabeledFileIsRemoved() throws Exception {
    Path out = dir.resolve("out");
    CsvSplitter.split(
        csv("mixed.csv", HEADER, withUnlabeled(transactions())), config(false, 1, false), out);
    assertThat(out.resolve("unlabeled.parquet")).exists();

    IngestResult result =
        CsvSplitter.split(csv("tx.csv", HEADER, transactions()), config(false, 1, false), out);

    assertThat(result.splits()).extracting(SplitFile::name).isEqualTo(CsvSplitter.SPLIT_NAMES);
    assertThat(out.resolve("unlabeled.parquet")).doesNotExist();
  }

  @Test
  void profileAndMetadataCoverTheUnlabeledSplit() throws Exception {
    Path file = csv("mixed.csv", HEADER, withUnlabeled(transactions()));
    IngestResult result = CsvSplitter.split(file, config(true, 3, true), dir.resolve("out"));

    DatasetProfile profile = Profiler.profile(result.splits());

    assertThat(profile.splits().keySet())
        .containsExactly("train", "validation", "test", "unlabeled");
    assertThat(profile.rows()).isEqualTo(230);
    DatasetProfile.SplitProfile unlabeled = profile.split("unlabeled");
    assertThat(unlabeled.rows()).isEqualTo(30);
    DatasetProfile.ColumnProfile target =
        unlabeled.columns().stream().filter(c -> c.name().equals("is_fraud")).findFirst().get();
    assertThat(target.missing()).isEqualTo(30);
    assertThat(target.count()).isZero();
    DatasetProfile.ColumnProfile amount =
        unlabeled.columns().stream().filter(c -> c.name().equals("amount")).findFirst().get();
    assertThat(amount.count()).isEqualTo(30);
    assertThat(DatasetProfile.fromJson(profile.toJson())).isEqualTo(profile);
  }

  // ---------------------------------------------------------------- validation errors

  @Test
  void raggedCsvIsUnreadable() throws Exception {
    Path file = csv("ragged.csv", "a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n");

    DatasetValidationException e = invalid(file, config(false, 1, false), dir.resolve("out"));

    assertThat(e.column()).isNull();
    assertThat(e.getMessage())
        .startsWith("the file is not a readable CSV")
        .contains("same number of fields");
    assertThat(e.getCause()).isInstanceOf(SQLException.class);
  }

  @Test
  void headerWithoutRowsIsRejected() throws Exception {
    DatasetValidationException e =
        invalid(csv("header.csv", HEADER + "\n"), config(false, 1, false), dir.resolve("out"));

    assertThat(e.column()).isNull();
    assertThat(e.getMessage()).isEqualTo("the file has a header row but no data rows");
  }

  @Test
  void emptyFileIsRejected() throws Exception {
    DatasetValidationException e =
        invalid(csv("empty.csv", ""), config(false, 1, false), dir.resolve("out"));

    assertThat(e.column()).isNull();
    assertThat(e.getMessage()).containsAnyOf("no header row", "not a readable CSV");
  }

  @Test
  void duplicateColumnNamesAreRejected() throws Exception {
    Path file = csv("dup.csv", "id,amount,Amount,is_fraud\n1,2,3,0\n");

    DatasetValidationException e = invalid(file, config(false, 1, false), dir.resolve("out"));

    assertThat(e.column()).isEqualTo("Amount");
    assertThat(e.getMessage())
        .startsWith("column 'Amount' appears twice in the header (columns 2 and 3");
  }

  @Test
  void emptyColumnNamesAreRejected() throws Exception {
    Path file = csv("noname.csv", "id,,is_fraud\n1,2,0\n");

    DatasetValidationException e = invalid(file, config(false, 1, false), dir.resolve("out"));

    assertThat(e.getMessage())
        .isEqualTo("column 2 of the header has an empty name; every column needs a name");
  }

  @Test
  void reservedRowIdColumnIsRejected() throws Exception {
    Path file = csv("rowid.csv", "row_id,x,is_fraud\n1,2,0\n");

    DatasetValidationException e = invalid(file, config(false, 1, false), dir.resolve("out"));

    assertThat(e.column()).isEqualTo("row_id");
    assertThat(e.getMessage()).contains("reserved");
  }

  @Test
  void missingTargetListsTheColumns() throws Exception {
    Path file = csv("notarget.csv", "id,amount,label\n1,2,0\n");

    DatasetValidationException e = invalid(file, config(false, 1, false), dir.resolve("out"));

    assertThat(e.column()).isEqualTo("is_fraud");
    assertThat(e.getMessage())
        .isEqualTo(
            "column 'is_fraud' (the target) is not in the file; its columns are [id, amount, label]");
  }

  @Test
  void unknownExcludedColumnIsRejected() throws Exception {
    Path file = csv("tx.csv", HEADER, transactions());
    SplitConfig config =
        new SplitConfig("is_fraud", List.of("id", "customer"), RATIOS, false, 1, false);

    DatasetValidationException e = invalid(file, config, dir.resolve("out"));

    assertThat(e.column()).isEqualTo("customer");
    assertThat(e.getMessage())
        .startsWith("column 'customer' is listed in exclude but is not in the file")
        .contains("[id, amount, count, merchant_code, is_fraud]");
  }

  @Test
  void aLabelSourceColumnIsKeptButIsNeverAFeature() throws Exception {
    Path file =
        csv(
            "sources.csv",
            "amount,label_source,is_fraud\n1.5,original,0\n2.5,human,1\n3.5,consensus,0\n"
                + "4.5,pseudo,1\n");
    IngestResult result =
        CsvSplitter.split(
            file,
            new SplitConfig("is_fraud", List.of(), new SplitRatios(1, 0, 0), false, 1, false),
            dir.resolve("out"));

    assertThat(result.features()).containsExactly("amount");
    assertThat(result.schema()).extracting(Column::name).contains("label_source");
  }

  @Test
  void excludingTheTargetIsRejected() throws Exception {
    Path file = csv("tx.csv", HEADER, transactions());
    SplitConfig config = new SplitConfig("is_fraud", List.of("is_fraud"), RATIOS, false, 1, false);

    DatasetValidationException e = invalid(file, config, dir.resolve("out"));

    assertThat(e.column()).isEqualTo("is_fraud");
    assertThat(e.getMessage())
        .isEqualTo("column 'is_fraud' is the target and cannot also be excluded");
  }

  @Test
  void textAndBooleanFeaturesAreKeptAsTheyAre() throws Exception {
    Path file =
        csv(
            "text.csv",
            "id,merchant,flag,amount,is_fraud\n1,shop a,true,1.5,0\n2,shop b,false,2,1\n"
                + "3,,true,3,0\n4,shop a,,4,1\n");

    IngestResult result =
        CsvSplitter.split(
            file,
            new SplitConfig("is_fraud", List.of("id"), new SplitRatios(1, 0, 0), false, 1, false),
            dir.resolve("out"));

    assertThat(result.features()).containsExactly("merchant", "flag", "amount");
    assertThat(result.schema())
        .containsExactly(
            new Column("id", Column.INTEGER),
            new Column("merchant", Column.STRING),
            new Column("flag", Column.BOOLEAN),
            new Column("amount", Column.NUMBER),
            new Column("is_fraud", Column.INTEGER));
    assertThat(
            query(
                "SELECT merchant, flag FROM read_parquet("
                    + lit(result.splits().get(0).file())
                    + ") ORDER BY row_id"))
        .containsExactly(
            java.util.Arrays.asList("shop a", true),
            java.util.Arrays.asList("shop b", false),
            java.util.Arrays.asList(null, true),
            java.util.Arrays.asList("shop a", null));
  }

  @Test
  void targetWithNoValueInAnyRowIsRejected() throws Exception {
    Path file = csv("nolabels.csv", "x,y\n1,\n2, \n3,\n");
    SplitConfig config = new SplitConfig("y", List.of(), new SplitRatios(1, 0, 0), false, 1, false);

    DatasetValidationException e = invalid(file, config, dir.resolve("out"));

    assertThat(e.column()).isEqualTo("y");
    assertThat(e.getMessage()).startsWith("column 'y' (the target) has no value in any row; ");
  }

  @Test
  void tooFewRowsCountsOnlyLabeledRows() throws Exception {
    Path file = csv("few.csv", "x,y\n1,0\n2,1\n3,0\n4,\n5,\n6,\n7,\n8,\n9,\n10,\n");
    SplitConfig config =
        new SplitConfig("y", List.of(), new SplitRatios(0.8, 0.1, 0.1), false, 1, false);

    DatasetValidationException e = invalid(file, config, dir.resolve("out"));

    assertThat(e.getMessage())
        .startsWith(
            "too few rows: the validation split (ratio 0.1) would be empty; there are 3 labeled"
                + " rows");
  }

  // ---------------------------------------------------------------- bad input limits

  @Test
  void invalidUtf8IsRejectedWithTheOffsetOfTheFirstBadByte() throws Exception {
    byte[] head = "x,y\ncaf".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = Arrays.copyOf(head, head.length + 4);
    bytes[head.length] = (byte) 0xE9; // Latin-1 'é'
    bytes[head.length + 1] = ',';
    bytes[head.length + 2] = '1';
    bytes[head.length + 3] = '\n';
    Path file = Files.write(dir.resolve("latin1.csv"), bytes);

    DatasetValidationException e = invalid(file, textTarget("y"), dir.resolve("out"));

    assertThat(e.column()).isNull();
    assertThat(e.getMessage())
        .isEqualTo("the file is not valid UTF-8 text (first bad byte at offset 7)");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void invalidUtf8FarIntoTheFileAndATruncatedLastCharacterAreFound() throws Exception {
    StringBuilder text = new StringBuilder("x,label\n");
    for (int i = 0; text.length() < 200_000; i++) {
      text.append(i).append(",caf\u00e9\n"); // multi-byte characters across buffer boundaries
    }
    byte[] valid = text.toString().getBytes(StandardCharsets.UTF_8);
    Path ok = Files.write(dir.resolve("ok.csv"), valid);
    assertThat(CsvSplitter.split(ok, textTarget("label"), dir.resolve("ok")).inputRows())
        .isGreaterThan(10_000);

    byte[] bad = valid.clone();
    int at = 150_000;
    while (bad[at] != '\n') {
      at++;
    }
    assertThat(at).isLessThan(150_020);
    bad[at] = (byte) 0xC0; // never valid in UTF-8
    DatasetValidationException e =
        invalid(Files.write(dir.resolve("bad.csv"), bad), textTarget("label"), dir.resolve("o"));
    assertThat(e.getMessage())
        .isEqualTo("the file is not valid UTF-8 text (first bad byte at offset " + at + ")");

    byte[] truncated = Arrays.copyOf(valid, valid.length + 1);
    truncated[valid.length] = (byte) 0xE2; // first byte of a 3-byte sequence, then end of file
    e =
        invalid(
            Files.write(dir.resolve("cut.csv"), truncated), textTarget("label"), dir.resolve("c"));
    assertThat(e.getMessage())
        .isEqualTo(
            "the file is not valid UTF-8 text (first bad byte at offset " + valid.length + ")");
  }

  @Test
  void tooManyColumnsAreRejected() throws Exception {
    String header =
        IntStream.range(0, 10_000).mapToObj(i -> "c" + i).collect(Collectors.joining(","));
    String row = IntStream.range(0, 10_000).mapToObj(i -> "1").collect(Collectors.joining(","));
    Path file = csv("wide.csv", header + "\n" + row + "\n");

    DatasetValidationException e = invalid(file, textTarget("c0"), dir.resolve("out"));

    assertThat(e.column()).isNull();
    assertThat(e.getMessage()).isEqualTo("the file has 10000 columns; at most 1000 are accepted");
  }

  @Test
  void exactlyMaxColumnsAreAccepted() throws Exception {
    int n = CsvSplitter.MAX_COLUMNS;
    String header = IntStream.range(0, n).mapToObj(i -> "c" + i).collect(Collectors.joining(","));
    List<String> rows = new ArrayList<>();
    for (int r = 0; r < 4; r++) {
      int v = r;
      rows.add(IntStream.range(0, n).mapToObj(i -> "" + (i + v)).collect(Collectors.joining(",")));
    }
    Path file = csv("wide.csv", header, rows);
    SplitConfig config =
        new SplitConfig("c0", List.of(), new SplitRatios(1, 0, 0), false, 1, false);

    IngestResult result = CsvSplitter.split(file, config, dir.resolve("out"));

    assertThat(result.schema()).hasSize(n);
    assertThat(result.features()).hasSize(n - 1);
  }

  @Test
  void tooLongCellIsRejectedWithColumnSizeAndRow() throws Exception {
    String big = "a".repeat(1 << 20);
    Path file = csv("big.csv", "id,x,y\n1,a,0\n2,b,1\n3," + big + ",0\n4," + big + ",1\n");
    SplitConfig config =
        new SplitConfig("y", List.of("x"), new SplitRatios(1, 0, 0), false, 1, false);

    DatasetValidationException e = invalid(file, config, dir.resolve("out"));

    assertThat(e.column()).isEqualTo("x");
    assertThat(e.getMessage())
        .isEqualTo("column 'x' has a value of 1048576 bytes in row 3; at most 65536 are accepted");
  }

  @Test
  void cellLimitCountsUtf8BytesAndAcceptsTheMaximum() throws Exception {
    SplitConfig config =
        new SplitConfig("y", List.of("x"), new SplitRatios(1, 0, 0), false, 1, false);
    String max = "a".repeat(CsvSplitter.MAX_CELL_BYTES);
    Path ok = csv("max.csv", "x,y\n" + max + ",0\nb,1\n");
    assertThat(CsvSplitter.split(ok, config, dir.resolve("ok")).inputRows()).isEqualTo(2);

    String wide = "\u00e9".repeat(CsvSplitter.MAX_CELL_BYTES / 2 + 1); // 65538 bytes, 32769 chars
    Path file = csv("wide.csv", "x,y\nb,1\n" + wide + ",0\n");
    DatasetValidationException e = invalid(file, config, dir.resolve("out"));
    assertThat(e.getMessage())
        .isEqualTo("column 'x' has a value of 65538 bytes in row 2; at most 65536 are accepted");
  }

  @Test
  void tooFewRowsForANonEmptyRatio() throws Exception {
    Path file = csv("tiny.csv", "x,y\n1,0\n2,1\n3,0\n");
    SplitConfig config =
        new SplitConfig("y", List.of(), new SplitRatios(0.8, 0.1, 0.1), false, 1, false);

    DatasetValidationException e = invalid(file, config, dir.resolve("out"));

    assertThat(e.column()).isNull();
    assertThat(e.getMessage())
        .startsWith(
            "too few rows: the validation split (ratio 0.1) would be empty; there are 3 rows");
  }

  @Test
  void missingFileIsAnIOException() {
    assertThatThrownBy(
            () -> CsvSplitter.split(dir.resolve("nope.csv"), config(false, 1, false), dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("nope.csv");
  }
}
