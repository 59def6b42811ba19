package io.trainyard.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.datasets.DatasetProfile.ColumnProfile;
import io.trainyard.datasets.DatasetProfile.SplitProfile;
import io.trainyard.datasets.DatasetProfile.TopValue;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Expected values are numpy 2.4's ({@code np.quantile(x, q)}, {@code x.std(ddof=1)}, {@code
 * np.histogram(x, bins=10)}), checked by hand where the table is small.
 */
class ProfilerTest {

  private static final double EPS = 1e-12;

  @TempDir Path dir;

  private static String lit(Path p) {
    return "'" + p.toAbsolutePath().toString().replace("'", "''") + "'";
  }

  private Path parquet(String name, String select) throws Exception {
    Path file = dir.resolve(name);
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      s.execute("COPY (" + select + ") TO " + lit(file) + " (FORMAT parquet)");
    }
    return file;
  }

  /** Six rows: row_id, a BIGINT, b DOUBLE with NaN/Inf, s, flag, an all-NULL and a constant. */
  private Path small() throws Exception {
    return parquet(
        "small.parquet",
        "SELECT * FROM (VALUES"
            + " (0::BIGINT, 1::BIGINT, 0.5::DOUBLE, 'x', true, NULL::DOUBLE, 7.0::DOUBLE),"
            + " (1, 2, 'nan'::DOUBLE, 'y', false, NULL, 7.0),"
            + " (2, 3, 'inf'::DOUBLE, 'x', true, NULL, 7.0),"
            + " (3, 4, -1.5, NULL, true, NULL, 7.0),"
            + " (4, 10, 2.0, 'z', NULL, NULL, 7.0),"
            + " (5, NULL, NULL, 'x', false, NULL, 7.0))"
            + " AS t(row_id, a, b, s, flag, empty, constant)");
  }

  @Test
  void integerColumnMatchesNumpyAndHandComputedValues() throws Exception {
    SplitProfile p = Profiler.profileFiles(List.of(small()));

    assertThat(p.rows()).isEqualTo(6);
    assertThat(p.columns())
        .extracting(ColumnProfile::name)
        .containsExactly("a", "b", "s", "flag", "empty", "constant");
    ColumnProfile a = p.column("a");
    assertThat(a.type()).isEqualTo(Column.INTEGER);
    assertThat(a.count()).isEqualTo(5);
    assertThat(a.missing()).isEqualTo(1);
    assertThat(a.distinct()).isEqualTo(5);
    assertThat(a.min()).isEqualTo(1.0);
    assertThat(a.max()).isEqualTo(10.0);
    assertThat(a.mean()).isEqualTo(4.0);
    // deviations 9, 4, 1, 0, 36: sum 50, / (n - 1) = 12.5
    assertThat(a.std()).isCloseTo(Math.sqrt(12.5), within(EPS));
    // h = (n - 1) q = 4q: p1 = 1 + 0.04, p5 = 1 + 0.2, p95 = 4 + 0.8 * 6, p99 = 4 + 0.96 * 6
    // numpy: [1.04, 1.2, 2.0, 3.0, 4.0, 8.799999999999999, 9.76]
    assertThat(a.quantiles().values())
        .containsExactly(1.04, 1.2, 2.0, 3.0, 4.0, 8.799999999999999, 9.76);
    assertThat(a.histogram().edges())
        .containsExactly(1.0, 1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1, 10.0);
    // the last bin is closed: 10 is counted
    assertThat(a.histogram().counts()).containsExactly(1L, 1L, 1L, 1L, 0L, 0L, 0L, 0L, 0L, 1L);
    // at most 20 distinct integers: top values, ties by value (numerically)
    assertThat(a.top())
        .containsExactly(
            new TopValue("1", 1),
            new TopValue("2", 1),
            new TopValue("3", 1),
            new TopValue("4", 1),
            new TopValue("10", 1));
  }

  @Test
  void nanAndInfinityAreMissingInRealColumns() throws Exception {
    ColumnProfile b = Profiler.profileFiles(List.of(small())).column("b");

    assertThat(b.type()).isEqualTo(Column.NUMBER);
    assertThat(b.count()).isEqualTo(3); // 0.5, -1.5, 2.0
    assertThat(b.missing()).isEqualTo(3); // NaN, Infinity, NULL
    assertThat(b.distinct()).isEqualTo(3);
    assertThat(b.min()).isEqualTo(-1.5);
    assertThat(b.max()).isEqualTo(2.0);
    assertThat(b.mean()).isCloseTo(1.0 / 3, within(EPS));
    assertThat(b.std()).isCloseTo(1.755942292142123, within(EPS));
    // numpy: [-1.46, -1.3, -0.5, 0.5, 1.25, 1.8499999999999999, 1.97]
    assertThat(b.quantiles().values())
        .containsExactly(-1.46, -1.3, -0.5, 0.5, 1.25, 1.8499999999999999, 1.97);
    // numpy.histogram's edges, bit for bit
    assertThat(b.histogram().edges())
        .containsExactly(
            -1.5,
            -1.15,
            -0.8,
            -0.4500000000000002,
            -0.10000000000000009,
            0.25,
            0.5999999999999996,
            0.9499999999999997,
            1.2999999999999998,
            1.65,
            2.0);
    assertThat(b.histogram().counts()).containsExactly(1L, 0L, 0L, 0L, 0L, 1L, 0L, 0L, 0L, 1L);
    assertThat(b.top()).isNull(); // real columns have no top values
  }

  @Test
  void stringsAndBooleansGetTopValuesAndNoNumericStatistics() throws Exception {
    SplitProfile p = Profiler.profileFiles(List.of(small()));

    ColumnProfile s = p.column("s");
    assertThat(s.type()).isEqualTo(Column.STRING);
    assertThat(s.count()).isEqualTo(5);
    assertThat(s.missing()).isEqualTo(1);
    assertThat(s.distinct()).isEqualTo(3);
    assertThat(s.min()).isNull();
    assertThat(s.mean()).isNull();
    assertThat(s.std()).isNull();
    assertThat(s.quantiles()).isNull();
    assertThat(s.histogram()).isNull();
    assertThat(s.top())
        .containsExactly(new TopValue("x", 3), new TopValue("y", 1), new TopValue("z", 1));

    ColumnProfile flag = p.column("flag");
    assertThat(flag.type()).isEqualTo(Column.BOOLEAN);
    assertThat(flag.count()).isEqualTo(5);
    assertThat(flag.missing()).isEqualTo(1);
    assertThat(flag.distinct()).isEqualTo(2);
    assertThat(flag.mean()).isNull();
    assertThat(flag.top()).containsExactly(new TopValue("true", 3), new TopValue("false", 2));
  }

  @Test
  void topKeepsTheTenMostFrequentStrings() throws Exception {
    // value vNN appears NN + 1 times, NN = 0..11
    String rows =
        IntStream.range(0, 12)
            .boxed()
            .flatMap(
                v ->
                    IntStream.rangeClosed(0, v)
                        .mapToObj(k -> "('v" + String.format("%02d", v) + "')"))
            .collect(Collectors.joining(", "));
    Path file =
        parquet(
            "strings.parquet",
            "SELECT (row_number() OVER () - 1)::BIGINT AS row_id, s FROM (VALUES "
                + rows
                + ") t(s)");

    ColumnProfile s = Profiler.profileFiles(List.of(file)).column("s");

    assertThat(s.count()).isEqualTo(78);
    assertThat(s.distinct()).isEqualTo(12);
    assertThat(s.top()).hasSize(Profiler.TOP_K);
    assertThat(s.top().get(0)).isEqualTo(new TopValue("v11", 12));
    assertThat(s.top().get(9)).isEqualTo(new TopValue("v02", 3));
  }

  @Test
  void anAllNullColumnHasOnlyCounts() throws Exception {
    ColumnProfile empty = Profiler.profileFiles(List.of(small())).column("empty");

    assertThat(empty.count()).isZero();
    assertThat(empty.missing()).isEqualTo(6);
    assertThat(empty.distinct()).isZero();
    assertThat(empty.min()).isNull();
    assertThat(empty.max()).isNull();
    assertThat(empty.mean()).isNull();
    assertThat(empty.std()).isNull();
    assertThat(empty.quantiles()).isNull();
    assertThat(empty.histogram()).isNull();
  }

  @Test
  void aConstantColumnHasStdZeroAndOneBin() throws Exception {
    ColumnProfile constant = Profiler.profileFiles(List.of(small())).column("constant");

    assertThat(constant.count()).isEqualTo(6);
    assertThat(constant.distinct()).isEqualTo(1);
    assertThat(constant.std()).isEqualTo(0.0);
    // numpy gives 7.0 exactly; DuckDB's quantile_cont would give 6.999999999999999 as p1
    assertThat(constant.quantiles().values()).containsOnly(7.0);
    assertThat(constant.histogram().edges()).containsExactly(7.0, 7.0);
    assertThat(constant.histogram().counts()).containsExactly(6L);
  }

  @Test
  void oneValueHasNoStd() throws Exception {
    Path file = parquet("one.parquet", "SELECT 0::BIGINT AS row_id, 2.5::DOUBLE AS x");

    ColumnProfile x = Profiler.profileFiles(List.of(file)).column("x");

    assertThat(x.count()).isEqualTo(1);
    assertThat(x.mean()).isEqualTo(2.5);
    assertThat(x.std()).isNull();
    assertThat(x.quantiles().values()).containsOnly(2.5);
    assertThat(x.histogram().counts()).containsExactly(1L);
  }

  /** 201 values x_i = ((i * 7919) % 1000) / 37.0, against numpy 2.4. */
  /** numpy.quantile(x, q) (method linear) of sorted values, as the Profiler documents it. */
  private static double numpyQuantile(double[] sorted, double q) {
    int n = sorted.length;
    double h = (n - 1) * q;
    int lo = h >= n - 1 ? n - 1 : (int) Math.floor(h);
    int hi = h >= n - 1 ? n - 1 : lo + 1;
    double t = h >= n - 1 ? 0 : h - lo;
    double a = sorted[lo];
    double b = sorted[hi];
    double diff = b - a;
    return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
  }

  @Test
  void quantilesOfSkewedAndWideColumnsMatchTheSortedValues() throws Exception {
    // most values in a narrow range and a few far outliers (most values share one rank bucket),
    // ties, and integers too large to be exact as doubles
    Path file =
        parquet(
            "skewed.parquet",
            "SELECT i::BIGINT AS row_id, CASE WHEN i % 97 = 0 THEN 1e300 * (i % 3 - 1) ELSE"
                + " ((i * 7919) % 1013) / 1e6 END::DOUBLE AS x, CASE WHEN i % 50 = 0 THEN"
                + " 9223372036854775807 - i WHEN i % 51 = 0 THEN -9223372036854775807 + i ELSE"
                + " (i * 31) % 17 END::BIGINT AS big, (i % 5)::DOUBLE AS ties FROM range(5000)"
                + " t(i)");
    SplitProfile p = Profiler.profileFiles(List.of(file));
    String[] columns = {"x", "big", "ties"};
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:");
        Statement s = c.createStatement()) {
      for (String name : columns) {
        List<Double> values = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT CAST(" + name + " AS DOUBLE) FROM read_parquet(" + lit(file) + ")")) {
          while (rs.next()) {
            values.add(rs.getDouble(1));
          }
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        List<Double> q = p.column(name).quantiles().values();
        List<Double> fractions = DatasetProfile.Quantiles.FRACTIONS;
        for (int k = 0; k < fractions.size(); k++) {
          assertThat(q.get(k))
              .as("%s quantile %s", name, fractions.get(k))
              .isEqualTo(numpyQuantile(sorted, fractions.get(k)));
        }
        assertThat(p.column(name).histogram().counts().stream().mapToLong(Long::longValue).sum())
            .isEqualTo(5000L);
      }
    }
  }

  @Test
  void aLargerColumnMatchesNumpy() throws Exception {
    Path file =
        parquet(
            "x.parquet",
            "SELECT i::BIGINT AS row_id, ((i * 7919) % 1000) / 37.0::DOUBLE AS x,"
                + " i::BIGINT AS id FROM range(201) t(i)");

    SplitProfile p = Profiler.profileFiles(List.of(file));
    ColumnProfile x = p.column("x");

    assertThat(x.count()).isEqualTo(201);
    assertThat(x.distinct()).isEqualTo(201);
    assertThat(x.mean()).isCloseTo(13.432835820895523, within(EPS));
    assertThat(x.std()).isCloseTo(7.884972196659205, within(EPS));
    double[] numpy = {
      0.16216216216216217,
      1.0810810810810811,
      6.72972972972973,
      13.45945945945946,
      20.45945945945946,
      25.594594594594593,
      26.513513513513512
    };
    List<Double> q = x.quantiles().values();
    for (int i = 0; i < numpy.length; i++) {
      assertThat(q.get(i)).as("quantile %s", i).isEqualTo(numpy[i]); // bit for bit
    }
    assertThat(q).isSorted();
    assertThat(x.histogram().edges())
        .containsExactly(
            0.0,
            2.6675675675675676,
            5.335135135135135,
            8.002702702702702,
            10.67027027027027,
            13.337837837837839,
            16.005405405405405,
            18.672972972972975,
            21.34054054054054,
            24.008108108108107,
            26.675675675675677);
    assertThat(x.histogram().counts())
        .containsExactly(22L, 19L, 19L, 21L, 18L, 19L, 21L, 19L, 21L, 22L);
    // more than 20 distinct integers: no top values
    assertThat(p.column("id").top()).isNull();
    assertThat(p.column("id").distinct()).isEqualTo(201);
  }

  @Test
  void aVersionIsProfiledWholeAndPerSplitAndSerialisesStably() throws Exception {
    Path train =
        parquet(
            "train.parquet",
            "SELECT * FROM (VALUES (0::BIGINT, 1.0::DOUBLE, 'a'), (1, 2.0, 'b'), (2, 3.0, 'a'))"
                + " AS t(row_id, x, label)");
    Path test =
        parquet(
            "test.parquet",
            "SELECT * FROM (VALUES (3::BIGINT, 10.0::DOUBLE, 'b')) AS t(row_id, x, label)");
    Path validation =
        parquet(
            "validation.parquet",
            "SELECT * FROM (VALUES (9::BIGINT, 1.0::DOUBLE, 'a')) AS t(row_id, x, label) LIMIT 0");
    List<SplitFile> splits =
        List.of(
            new SplitFile("train", train, 3),
            new SplitFile("validation", validation, 0),
            new SplitFile("test", test, 1));

    DatasetProfile profile = Profiler.profile(splits);

    assertThat(profile.formatVersion()).isEqualTo(DatasetProfile.FORMAT_VERSION);
    assertThat(profile.rows()).isEqualTo(4);
    assertThat(profile.splits().keySet()).containsExactly("train", "validation", "test");
    assertThat(profile.split("train").rows()).isEqualTo(3);
    assertThat(profile.split("validation").rows()).isZero();
    assertThat(profile.split("test").rows()).isEqualTo(1);
    assertThat(profile.column("x").mean()).isEqualTo(4.0);
    assertThat(profile.split("train").column("x").mean()).isEqualTo(2.0);
    assertThat(profile.split("train").column("x").std()).isEqualTo(1.0);
    assertThat(profile.split("validation").column("x").count()).isZero();
    assertThat(profile.split("validation").column("x").histogram()).isNull();
    assertThat(profile.split("validation").column("label").top()).isEmpty();
    assertThat(profile.column("label").top())
        .containsExactly(new TopValue("a", 2), new TopValue("b", 2));

    byte[] json = profile.toJson();
    assertThat(Profiler.profile(splits).toJson()).isEqualTo(json);
    assertThat(DatasetProfile.fromJson(json)).isEqualTo(profile);
    String text = new String(json, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).contains("\"p50\"").contains("\"edges\"").contains("\"splits\"");
  }

  @Test
  void aMissingFileIsAnError() {
    assertThatThrownBy(() -> Profiler.profileFiles(List.of(dir.resolve("none.parquet"))))
        .isInstanceOf(NoSuchFileException.class);
  }

  /**
   * Histogram counts agree with numpy.histogram's rule (bin i holds edges[i] <= x < edges[i + 1],
   * the last bin also max), checked by comparisons against the edges, on values that sit exactly on
   * the edges and next to them.
   */
  @Test
  void histogramCountsFollowTheEdgesExactly() throws Exception {
    java.util.Random random = new java.util.Random(5);
    double min = -3.7;
    double max = 12.9;
    double[] edges = Profiler.edges(min, max);
    java.util.List<Double> values = new java.util.ArrayList<>(List.of(min, max));
    for (double e : edges) {
      values.add(e);
      values.add(Math.nextUp(e));
      values.add(Math.nextDown(e));
    }
    for (int i = 0; i < 2000; i++) {
      values.add(min + random.nextDouble() * (max - min));
    }
    values.removeIf(v -> v < min || v > max);
    String rows =
        values.stream()
            .map(v -> "(CAST('" + v + "' AS DOUBLE))")
            .collect(java.util.stream.Collectors.joining(", "));
    Path file = parquet("edges.parquet", "SELECT * FROM (VALUES " + rows + ") v(x)");

    DatasetProfile.SplitProfile profile = Profiler.profileFiles(List.of(file));

    long[] expected = new long[Profiler.BINS];
    for (double v : values) {
      int bin = Profiler.BINS - 1;
      for (int b = 0; b < Profiler.BINS; b++) {
        if (v >= edges[b] && v < edges[b + 1]) {
          bin = b;
          break;
        }
      }
      expected[bin]++;
    }
    assertThat(profile.columns().get(0).histogram().counts())
        .containsExactlyElementsOf(java.util.Arrays.stream(expected).boxed().toList());
  }
}
