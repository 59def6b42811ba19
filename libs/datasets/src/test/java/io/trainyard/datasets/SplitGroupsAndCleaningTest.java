package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Group-aware splits and cleaning ({@link SplitConfig#groupBy()}, {@link Cleaning}). */
class SplitGroupsAndCleaningTest {

  @TempDir Path dir;

  private static final SplitRatios RATIOS = new SplitRatios(0.6, 0.2, 0.2);

  private static List<List<Object>> query(String sql) throws SQLException {
    return CsvSplitterTest.query(sql);
  }

  private static String read(SplitFile split) {
    return "read_parquet('" + split.file().toAbsolutePath() + "')";
  }

  /** 600 events of 50 users, a user's events in random places of the file. */
  private Path events(String name, long shuffleSeed) throws IOException {
    Random random = new Random(7);
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      int user = random.nextInt(50);
      rows.add("u" + user + "," + random.nextInt(1000) + "," + (random.nextDouble() < 0.3 ? 1 : 0));
    }
    Collections.shuffle(rows, new Random(shuffleSeed));
    List<String> lines = new ArrayList<>();
    lines.add("user,amount,label");
    lines.addAll(rows);
    return Files.write(dir.resolve(name), lines);
  }

  private static SplitConfig grouped(boolean stratify) {
    return new SplitConfig("label", List.of(), RATIOS, stratify, 42, false, "user", Cleaning.NONE);
  }

  /** user → split name, asserting that no user is in two splits. */
  private static Map<String, String> userSplits(IngestResult result) throws SQLException {
    Map<String, String> where = new HashMap<>();
    for (SplitFile split : result.splits()) {
      for (List<Object> row : query("SELECT DISTINCT user FROM " + read(split))) {
        String previous = where.put((String) row.get(0), split.name());
        assertThat(previous).as("user %s is in two splits", row.get(0)).isNull();
      }
    }
    return where;
  }

  @Test
  void rowsOfAGroupNeverStraddleSplits() throws Exception {
    IngestResult result = CsvSplitter.split(events("e.csv", 1), grouped(true), dir.resolve("a"));

    Map<String, String> where = userSplits(result);
    assertThat(where).hasSize(50);
    long rows = result.splits().stream().mapToLong(SplitFile::rows).sum();
    assertThat(rows).isEqualTo(600);
    // Whole groups: the train split is within one group's size of 60 %.
    long train = result.splits().get(0).rows();
    assertThat(train).isBetween(360L - 30, 360L + 30);
    assertThat(result.splits().get(1).rows()).isPositive();
    assertThat(result.splits().get(2).rows()).isPositive();
  }

  @Test
  void allTestPutsEveryLabeledRowInTheTestSplit() throws Exception {
    SplitConfig config =
        new SplitConfig(
            "label", List.of(), SplitRatios.ALL_TEST, true, 42, false, null, Cleaning.NONE);
    IngestResult result = CsvSplitter.split(events("e.csv", 1), config, dir.resolve("a"));

    Map<String, Long> rows = new HashMap<>();
    result.splits().forEach(split -> rows.put(split.name(), split.rows()));
    assertThat(rows).containsEntry("test", 600L);
    assertThat(rows.getOrDefault("train", 0L)).isZero();
    assertThat(rows.getOrDefault("validation", 0L)).isZero();
  }

  @Test
  void groupSplitDependsOnContentNotRowOrder() throws Exception {
    Map<String, String> a =
        userSplits(CsvSplitter.split(events("a.csv", 1), grouped(false), dir.resolve("a")));
    Map<String, String> b =
        userSplits(CsvSplitter.split(events("b.csv", 2), grouped(false), dir.resolve("b")));
    assertThat(a).isEqualTo(b);
  }

  @Test
  void rowsWithoutAGroupIdAreGroupsOfTheirOwn() throws Exception {
    List<String> lines = new ArrayList<>(List.of("user,amount,label"));
    for (int i = 0; i < 40; i++) {
      lines.add("," + i + "," + (i % 2));
    }
    Path file = Files.write(dir.resolve("nogroup.csv"), lines);
    IngestResult result = CsvSplitter.split(file, grouped(false), dir.resolve("out"));
    assertThat(result.splits().stream().map(SplitFile::rows).toList()).containsExactly(24L, 8L, 8L);
  }

  @Test
  void tooFewGroupsIsAClearError() throws Exception {
    Path file =
        Files.writeString(dir.resolve("two.csv"), "user,amount,label\na,1,0\na,2,1\nb,3,0\n");
    assertThatThrownBy(() -> CsvSplitter.split(file, grouped(false), dir.resolve("out")))
        .isInstanceOf(DatasetValidationException.class)
        .hasMessageContaining("too few rows")
        .hasMessageContaining("kept together in groups of 'user'");
  }

  @Test
  void anUnknownGroupColumnIsRejected() throws Exception {
    Path file = Files.writeString(dir.resolve("x.csv"), "id,amount,label\n1,1,0\n2,2,1\n");
    assertThatThrownBy(() -> CsvSplitter.split(file, grouped(false), dir.resolve("out")))
        .isInstanceOf(DatasetValidationException.class)
        .hasMessageStartingWith(
            "column 'user' is the group column (groupBy) but is not in the file");
  }

  // ------------------------------------------------------------------ cleaning

  private static CleaningStep step(IngestResult r, String step, String column) {
    return r.cleaning().stream()
        .filter(s -> s.step().equals(step) && java.util.Objects.equals(s.column(), column))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + step + " step for " + column));
  }

  @Test
  void textFeaturesAreTrimmedAndFoldedBeforeDedupe() throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("t.csv"),
            "country,amount,label\n DE ,1,0\nde,1,0\nFr,2,1\n   ,3,0\nfr,4,1\n");
    IngestResult result =
        CsvSplitter.split(
            file,
            new SplitConfig(
                "label",
                List.of(),
                new SplitRatios(1, 0, 0),
                false,
                1,
                true,
                null,
                new Cleaning(Cleaning.KEEP, 0, Cleaning.KEEP, true, true)),
            dir.resolve("out"));

    assertThat(step(result, CleaningStep.TRIM, "country").count()).isEqualTo(2); // " DE ", "   "
    assertThat(step(result, CleaningStep.FOLD_CASE, "country").count()).isEqualTo(2); // DE, Fr
    assertThat(result.duplicatesDropped()).isEqualTo(1); // "de,1,0" twice after cleaning
    assertThat(step(result, CleaningStep.DEDUPE, null).count()).isEqualTo(1);
    assertThat(query("SELECT country FROM " + read(result.splits().get(0)) + " ORDER BY row_id"))
        .containsExactly(List.of("de"), List.of("fr"), Arrays.asList((Object) null), List.of("fr"));
  }

  /** 100 rows; amount and count missing in every 5th row, country in every 7th. */
  private Path withMissing() throws IOException {
    Random random = new Random(3);
    List<String> lines = new ArrayList<>(List.of("id,amount,count,country,label"));
    String[] countries = {"de", "fr", "it"};
    for (int i = 0; i < 100; i++) {
      String amount =
          i % 5 == 0 ? "" : String.valueOf(Math.round(random.nextDouble() * 1000) / 10.0);
      String count = i % 5 == 0 ? "" : String.valueOf(random.nextInt(9));
      String country = i % 7 == 0 ? "" : countries[random.nextInt(3)];
      lines.add(i + "," + amount + "," + count + "," + country + "," + (i % 3 == 0 ? 1 : 0));
    }
    return Files.write(dir.resolve("missing.csv"), lines);
  }

  private IngestResult clean(Path file, Cleaning cleaning, String out) throws Exception {
    return CsvSplitter.split(
        file,
        new SplitConfig("label", List.of("id"), RATIOS, true, 42, false, null, cleaning),
        dir.resolve(out));
  }

  /** The values of a column in a split of a run without cleaning, NULLs left out. */
  private static List<Double> values(IngestResult raw, int split, String column)
      throws SQLException {
    return query(
            "SELECT CAST("
                + column
                + " AS DOUBLE) FROM "
                + read(raw.splits().get(split))
                + " WHERE "
                + column
                + " IS NOT NULL")
        .stream()
        .map(r -> (Double) r.get(0))
        .toList();
  }

  @Test
  void medianFillUsesTheTrainSplitOnlyAndFillsEverySplit() throws Exception {
    Path file = withMissing();
    IngestResult raw = clean(file, Cleaning.NONE, "raw");
    IngestResult filled =
        clean(file, new Cleaning(Cleaning.MEDIAN, 0, Cleaning.MODE, false, false), "filled");

    // numpy.median of the train split's present values, computed here independently.
    List<Double> train = new ArrayList<>(values(raw, 0, "amount"));
    Collections.sort(train);
    int n = train.size();
    double median = n % 2 == 1 ? train.get(n / 2) : (train.get(n / 2 - 1) + train.get(n / 2)) / 2;
    List<Double> all = new ArrayList<>(values(raw, 0, "amount"));
    all.addAll(values(raw, 1, "amount"));
    all.addAll(values(raw, 2, "amount"));
    Collections.sort(all);
    int m = all.size();
    double wholeMedian = m % 2 == 1 ? all.get(m / 2) : (all.get(m / 2 - 1) + all.get(m / 2)) / 2;
    assertThat(median).as("the whole data's median differs").isNotEqualTo(wholeMedian);

    CleaningStep amount = step(filled, CleaningStep.FILL, "amount");
    assertThat(amount.strategy()).isEqualTo("median");
    assertThat((Double) amount.value()).isEqualTo(median);
    assertThat(amount.count()).isEqualTo(20);
    for (SplitFile split : filled.splits()) {
      assertThat(
              query(
                  "SELECT count(*) FROM "
                      + read(split)
                      + " WHERE amount IS NULL OR count IS NULL OR country IS NULL"))
          .containsExactly(List.of(0L));
    }
    // Same splits as without cleaning: filling happens after the split.
    for (int s = 0; s < 3; s++) {
      assertThat(query("SELECT row_id FROM " + read(filled.splits().get(s))))
          .isEqualTo(query("SELECT row_id FROM " + read(raw.splits().get(s))));
    }
    // An integer column filled with a fractional median becomes a number column; the modal
    // country (ties: the smallest) fills the text column.
    CleaningStep count = step(filled, CleaningStep.FILL, "count");
    Column countColumn =
        filled.schema().stream().filter(c -> c.name().equals("count")).findFirst().orElseThrow();
    double countMedian = ((Number) count.value()).doubleValue();
    assertThat(countColumn.type())
        .isEqualTo(countMedian == Math.rint(countMedian) ? Column.INTEGER : Column.NUMBER);
    Map<String, Long> freq = new HashMap<>();
    for (List<Object> r :
        query("SELECT country FROM " + read(raw.splits().get(0)) + " WHERE country IS NOT NULL")) {
      freq.merge((String) r.get(0), 1L, Long::sum);
    }
    long max = Collections.max(freq.values());
    String mode =
        freq.entrySet().stream()
            .filter(e -> e.getValue() == max)
            .map(Map.Entry::getKey)
            .sorted()
            .findFirst()
            .orElseThrow();
    assertThat(step(filled, CleaningStep.FILL, "country").value()).isEqualTo(mode);
  }

  @Test
  void dropRemovesRowsMissingAFeatureBeforeTheSplit() throws Exception {
    IngestResult result =
        clean(withMissing(), new Cleaning(Cleaning.DROP, 0, "__missing__", false, false), "out");

    assertThat(step(result, CleaningStep.DROP_MISSING, "amount").count()).isEqualTo(20);
    assertThat(step(result, CleaningStep.DROP_MISSING, "count").count()).isZero();
    assertThat(result.splits().stream().mapToLong(SplitFile::rows).sum()).isEqualTo(80);
    CleaningStep country = step(result, CleaningStep.FILL, "country");
    assertThat(country.strategy()).isEqualTo("constant");
    assertThat(country.value()).isEqualTo("__missing__");
    long missingCountry =
        result.splits().stream()
            .mapToLong(
                s -> {
                  try {
                    return (Long)
                        query("SELECT count(*) FROM " + read(s) + " WHERE country = '__missing__'")
                            .get(0)
                            .get(0);
                  } catch (SQLException e) {
                    throw new AssertionError(e);
                  }
                })
            .sum();
    assertThat(missingCountry).isEqualTo(country.count()).isPositive();
  }

  @Test
  void constantAndZeroFillKeepIntegerColumnsIntegers() throws Exception {
    IngestResult result =
        clean(withMissing(), new Cleaning(Cleaning.CONSTANT, -1, Cleaning.KEEP, false, false), "c");
    assertThat(step(result, CleaningStep.FILL, "count").value()).isEqualTo(-1L);
    assertThat(result.schema()).contains(new Column("count", Column.INTEGER));
    assertThat(
            query(
                "SELECT count(*) FROM " + read(result.splits().get(0)) + " WHERE country IS NULL"))
        .isNotEqualTo(List.of(List.of(0L)));
  }

  @Test
  void unknownStrategiesAreRejected() {
    assertThatThrownBy(() -> new Cleaning("avg", 0, Cleaning.KEEP, false, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown strategy for missing numeric values 'avg'");
  }
}
