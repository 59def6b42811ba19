package io.trainyard.datasets;

import io.trainyard.datasets.DatasetProfile.ColumnProfile;
import io.trainyard.datasets.DatasetProfile.Histogram;
import io.trainyard.datasets.DatasetProfile.Quantiles;
import io.trainyard.datasets.DatasetProfile.SplitProfile;
import io.trainyard.datasets.DatasetProfile.TopValue;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Profiles the columns of a dataset's Parquet splits with DuckDB SQL: per column, for the whole
 * version (all splits together) and for each split. The statistics follow pandas / numpy so that a
 * notebook gives the same numbers:
 *
 * <ul>
 *   <li><b>Missing.</b> {@code missing} counts NULLs; in {@code number} (DOUBLE) columns NaN, +Inf
 *       and -Inf count as missing too (they are left out of every statistic, as pandas leaves NaN
 *       out; infinities are not kept because they would make mean, std and histogram useless).
 *       {@code count} is the non-missing values, so {@code count + missing} is the rows.
 *   <li><b>distinct</b>: distinct non-missing values (pandas {@code nunique()}).
 *   <li><b>min, max, mean</b> over the non-missing values of {@code integer} and {@code number}
 *       columns (as doubles); null for other columns and when {@code count} is 0.
 *   <li><b>std</b>: the <em>sample</em> standard deviation, {@code sqrt(sum((x - mean)^2) / (n -
 *       1))} (ddof = 1, pandas' {@code std()} and {@code describe()}; numpy's {@code std} defaults
 *       to ddof = 0); null when {@code count} &lt; 2; 0 for a constant column.
 *   <li><b>quantiles</b> p1, p5, p25, p50, p75, p95, p99 by linear interpolation ({@code
 *       numpy.quantile(x, q)} default {@code method="linear"}, pandas' default): for the sorted
 *       values {@code x[0..n-1]}, {@code h = (n - 1) q}, quantile = {@code x[floor(h)] + (h -
 *       floor(h)) (x[ceil(h)] - x[floor(h)])}, rounded like numpy (the ranks are selected in SQL,
 *       the interpolation is numpy's {@code _lerp}, so the result is numpy's to the last bit).
 *   <li><b>histogram</b>: {@value #BINS} equal-width bins between min and max, as {@code
 *       numpy.histogram(x, bins=10)}: edges {@code e[i] = min + i * ((max - min) / 10)} for {@code
 *       i < 10} and {@code e[10] = max} ({@code numpy.linspace}); bin {@code i} counts {@code e[i]
 *       <= x < e[i+1]}, the last bin is closed ({@code e[9] <= x <= e[10]}). The counts sum to
 *       {@code count}. A constant column (min = max) gets one bin {@code [min, max]} holding every
 *       value (numpy would widen the range to min ± 0.5 instead). Drift monitoring can bin new data
 *       with the same edges.
 *   <li><b>top</b>: the {@value #TOP_K} most frequent non-missing values with their counts, most
 *       frequent first, ties by ascending value, for {@code string} and {@code boolean} columns,
 *       and for {@code integer} columns with at most {@value #TOP_MAX_INTEGER_DISTINCT} distinct
 *       values (null otherwise). Values as {@linkplain DatasetLabels#canonical canonical text}.
 *   <li><b>The inferred schema</b> (whole version only, not per split): {@code kind} ({@link
 *       DatasetProfile#kindOf}: {@code integer} and {@code number} are numeric, {@code boolean}
 *       boolean, a {@code string} column categorical when it has 1 to {@value
 *       DatasetProfile#MAX_CATEGORIES} distinct values and at most half as many distinct values as
 *       non-missing ones, else text), {@code nullable} ({@code missing > 0}) and, for categorical
 *       columns, every distinct value sorted ({@code categories}). The cardinality is {@code
 *       distinct}.
 * </ul>
 *
 * The sums (mean, standard deviation) run on one DuckDB thread so that floating-point values are
 * added in one order: the same files always give the same profile, byte for byte. The other queries
 * (quantiles, histograms, distinct and top values) give exact results in any order and use every
 * thread.
 */
public final class Profiler {

  private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());

  /** Histogram bins of a numeric column whose min and max differ. */
  public static final int BINS = 10;

  /** The most frequent values kept in {@link ColumnProfile#top()}. */
  public static final int TOP_K = 10;

  /** Integer columns with at most this many distinct values also get {@code top}. */
  public static final int TOP_MAX_INTEGER_DISTINCT = 20;

  private Profiler() {}

  /**
   * Profiles a version's splits: every split file, and all of them together.
   *
   * @param splits the split files (same columns in each), in split order
   * @throws IOException when a file is missing or cannot be read
   */
  public static DatasetProfile profile(List<SplitFile> splits) throws IOException {
    Objects.requireNonNull(splits, "splits");
    if (splits.isEmpty()) {
      throw new IllegalArgumentException("a dataset has at least one split to profile");
    }
    for (SplitFile split : splits) {
      if (!Files.isRegularFile(split.file())) {
        throw new NoSuchFileException(split.file().toString(), null, "Parquet file not found");
      }
    }
    try (Connection c = DuckDb.open()) {
      SplitProfile whole = profile(c, splits.stream().map(SplitFile::file).toList(), true);
      Map<String, SplitProfile> perSplit = new LinkedHashMap<>();
      for (SplitFile split : splits) {
        perSplit.put(split.name(), profile(c, List.of(split.file()), false));
      }
      return new DatasetProfile(
          DatasetProfile.FORMAT_VERSION, whole.rows(), whole.columns(), perSplit);
    } catch (SQLException e) {
      throw new IOException(
          "cannot profile "
              + splits.stream().map(s -> s.file().toString()).collect(Collectors.joining(", "))
              + ": "
              + DuckDb.shortMessage(e),
          e);
    }
  }

  /**
   * Profiles the rows of one or more Parquet files with the same columns, taken together.
   *
   * @throws IOException when a file is missing or cannot be read
   */
  public static SplitProfile profileFiles(List<Path> files) throws IOException {
    Objects.requireNonNull(files, "files");
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files to profile");
    }
    for (Path file : files) {
      if (!Files.isRegularFile(file)) {
        throw new NoSuchFileException(file.toString(), null, "Parquet file not found");
      }
    }
    try (Connection c = DuckDb.open()) {
      return profile(c, files, false);
    } catch (SQLException e) {
      throw new IOException("cannot profile " + files + ": " + DuckDb.shortMessage(e), e);
    }
  }

  /** The kind of statistics a column gets. */
  private enum Kind {
    INTEGER,
    REAL,
    OTHER
  }

  /** One column being profiled. */
  private static final class Col {
    final String name;
    final String duckType;
    final String logical;
    final Kind kind;
    long count;
    long distinct;
    Double min;
    Double max;
    Double mean;
    Double std;
    Quantiles quantiles;
    Histogram histogram;
    List<TopValue> top;

    Col(String name, String duckType) {
      this.name = name;
      this.duckType = duckType;
      this.logical = DuckDb.logicalType(duckType);
      this.kind =
          DuckDb.isInteger(duckType)
              ? Kind.INTEGER
              : DuckDb.isReal(duckType) ? Kind.REAL : Kind.OTHER;
    }

    /** The SQL value of a non-missing entry, NULL when missing. */
    String value() {
      String c = DuckDb.ident(name);
      return switch (kind) {
        case INTEGER -> "CAST(" + c + " AS DOUBLE)";
        case REAL ->
            "CASE WHEN isfinite(CAST(" + c + " AS DOUBLE)) THEN CAST(" + c + " AS DOUBLE) END";
        case OTHER -> DuckDb.isCanonicalReadable(duckType) ? c : "CAST(" + c + " AS VARCHAR)";
      };
    }

    /** The expression whose distinct values are counted and ranked for top. */
    String categorical() {
      return kind == Kind.INTEGER ? DuckDb.ident(name) : value();
    }

    boolean wantsTop() {
      return switch (kind) {
        case OTHER -> true;
        case INTEGER -> distinct <= TOP_MAX_INTEGER_DISTINCT;
        case REAL -> false;
      };
    }

    ColumnProfile toProfile(long rows) {
      return new ColumnProfile(
          name,
          logical,
          count,
          rows - count,
          distinct,
          min,
          max,
          mean,
          std,
          quantiles,
          histogram,
          top);
    }
  }

  /** Profiles {@code files} together; with {@code schema}, adds the inferred schema too. */
  private static SplitProfile profile(Connection c, List<Path> files, boolean schema)
      throws SQLException {
    String source =
        "read_parquet("
            + files.stream().map(DuckDb::literal).collect(Collectors.joining(", ", "[", "]"))
            + ")";
    List<Col> cols = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + source)) {
      while (rs.next()) {
        String name = rs.getString("column_name");
        if (!name.equals(CsvSplitter.ROW_ID)) {
          cols.add(new Col(name, rs.getString("column_type")));
        }
      }
    }
    DuckDb.execute(c, "SET threads = 1");
    long rows = aggregates(c, source, cols);
    DuckDb.execute(c, "SET threads = " + THREADS);
    distinct(c, source, cols);
    for (Col col : cols) {
      if (col.kind != Kind.OTHER && col.count > 0) {
        col.quantiles = quantiles(c, source, col);
      }
    }
    histograms(c, source, cols);
    for (Col col : cols) {
      if (col.wantsTop()) {
        col.top = top(c, source, col);
      }
    }
    List<ColumnProfile> profiles = new ArrayList<>();
    for (Col col : cols) {
      ColumnProfile profile = col.toProfile(rows);
      if (schema) {
        boolean categorical =
            DatasetProfile.kindOf(profile.type(), profile.count(), profile.distinct())
                .equals(DatasetProfile.CATEGORICAL);
        profile = profile.withSchema(categorical ? categories(c, source, col) : null);
      }
      profiles.add(profile);
    }
    return new SplitProfile(rows, profiles);
  }

  /**
   * The distinct non-missing values of a column as canonical text, sorted (Java string order, so
   * that the order does not depend on DuckDB's collation).
   */
  private static List<String> categories(Connection c, String source, Col col) throws SQLException {
    String v = col.categorical();
    String sql = "SELECT DISTINCT " + v + " AS v FROM " + source + " WHERE " + v + " IS NOT NULL";
    List<String> values = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        values.add(DatasetLabels.canonical(rs.getObject(1)));
      }
    }
    values.sort(null);
    return values;
  }

  /** One pass for counts, moments and quantiles of every column; answers the row count. */
  private static long aggregates(Connection c, String source, List<Col> cols) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT count(*)");
    for (Col col : cols) {
      String v = col.value();
      sql.append(", count(").append(v).append(')');
      if (col.kind != Kind.OTHER) {
        sql.append(", min(").append(v).append(')');
        sql.append(", max(").append(v).append(')');
        sql.append(", avg(").append(v).append(')');
        sql.append(", stddev_samp(").append(v).append(')');
      }
    }
    sql.append(" FROM ").append(source);
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql.toString())) {
      rs.next();
      long rows = rs.getLong(1);
      int i = 2;
      for (Col col : cols) {
        col.count = rs.getLong(i++);
        if (col.kind != Kind.OTHER) {
          col.min = toDouble(rs.getObject(i++));
          col.max = toDouble(rs.getObject(i++));
          col.mean = toDouble(rs.getObject(i++));
          col.std = toDouble(rs.getObject(i++));
        }
      }
      return rows;
    }
  }

  /** One pass counting every column's distinct non-missing values (exact; any thread count). */
  private static void distinct(Connection c, String source, List<Col> cols) throws SQLException {
    StringBuilder sql = new StringBuilder("SELECT 0");
    for (Col col : cols) {
      sql.append(", count(DISTINCT ").append(col.categorical()).append(')');
    }
    sql.append(" FROM ").append(source);
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql.toString())) {
      rs.next();
      int i = 2;
      for (Col col : cols) {
        col.distinct = rs.getLong(i++);
      }
    }
  }

  /**
   * The quantiles of a numeric column, as numpy computes them: for {@code n} sorted values and
   * fraction {@code q}, {@code h = (n - 1) * q}, {@code a = x[floor(h)]}, {@code b = x[min(floor(h)
   * + 1, n - 1)]}, {@code t = h - floor(h)}, and the quantile is {@code a + (b - a) * t} when
   * {@code t < 0.5}, else {@code b - (b - a) * (1 - t)} (numpy's {@code _lerp}). The ranks are
   * found in SQL; DuckDB's {@code quantile_cont} has the same definition but rounds differently
   * (6.999999999999999 as p1 of six 7s).
   */
  private static Quantiles quantiles(Connection c, String source, Col col) throws SQLException {
    long n = col.count;
    List<Double> fractions = Quantiles.FRACTIONS;
    long[] lo = new long[fractions.size()];
    long[] hi = new long[fractions.size()];
    double[] t = new double[fractions.size()];
    java.util.TreeSet<Long> ranks = new java.util.TreeSet<>();
    for (int k = 0; k < fractions.size(); k++) {
      double h = (n - 1) * fractions.get(k);
      if (h >= n - 1) {
        lo[k] = n - 1;
        hi[k] = n - 1;
        t[k] = 0;
      } else {
        lo[k] = (long) Math.floor(h);
        hi[k] = lo[k] + 1;
        t[k] = h - lo[k];
      }
      ranks.add(lo[k]);
      ranks.add(hi[k]);
    }
    // The values at the wanted ranks of the sorted column (1-based list indexes): a sort of one
    // column in memory, much cheaper than a window over the whole table.
    List<Long> wanted = new ArrayList<>(ranks);
    String sql =
        "SELECT list_select(list_sort(list(x)), ["
            + wanted.stream().map(r -> String.valueOf(r + 1)).collect(Collectors.joining(", "))
            + "]) FROM (SELECT "
            + col.value()
            + " AS x FROM "
            + source
            + ") WHERE x IS NOT NULL";
    Map<Long, Double> at = new java.util.HashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      Object[] values = (Object[]) rs.getArray(1).getArray();
      for (int k = 0; k < wanted.size(); k++) {
        at.put(wanted.get(k), ((Number) values[k]).doubleValue());
      }
    }
    Double[] q = new Double[fractions.size()];
    for (int k = 0; k < q.length; k++) {
      double a = at.get(lo[k]);
      double b = at.get(hi[k]);
      double diff = b - a;
      q[k] = t[k] >= 0.5 ? b - diff * (1 - t[k]) : a + diff * t[k];
    }
    return new Quantiles(q[0], q[1], q[2], q[3], q[4], q[5], q[6]);
  }

  /** The bin edges of a numeric column: numpy.linspace(min, max, BINS + 1). */
  static double[] edges(double min, double max) {
    if (min == max) {
      return new double[] {min, max};
    }
    double step = (max - min) / BINS;
    double[] edges = new double[BINS + 1];
    for (int i = 0; i < BINS; i++) {
      edges[i] = i * step + min;
    }
    edges[BINS] = max;
    return edges;
  }

  /**
   * One pass counting every numeric column's values per bin, with DuckDB's {@code histogram}
   * aggregate over each value's bin index. The index is {@code floor((x - min) / step)} clamped to
   * the bins, then moved by one when floating-point rounding put it on the wrong side of an edge,
   * so that a value falls in bin {@code i} exactly when {@code edges[i] <= x < edges[i + 1]} (the
   * last bin includes max), as numpy.histogram counts.
   */
  private static void histograms(Connection c, String source, List<Col> cols) throws SQLException {
    List<Col> binned = new ArrayList<>();
    List<double[]> allEdges = new ArrayList<>();
    StringBuilder sql = new StringBuilder("SELECT 0");
    for (Col col : cols) {
      if (col.kind == Kind.OTHER || col.count == 0) {
        continue;
      }
      double[] edges = edges(col.min, col.max);
      if (!Double.isFinite(edges[1] - edges[0])) {
        continue; // max - min overflows a double: no usable equal-width bins
      }
      if (edges.length == 2) {
        col.histogram = new Histogram(List.of(col.min, col.max), List.of(col.count));
        continue;
      }
      binned.add(col);
      allEdges.add(edges);
      String v = col.value();
      String list =
          java.util.Arrays.stream(edges)
              .mapToObj(Profiler::doubleLiteral)
              .collect(Collectors.joining(", ", "[", "]"));
      String k =
          "least("
              + (BINS - 1)
              + ", greatest(0, CAST(floor(("
              + v
              + " - "
              + doubleLiteral(edges[0])
              + ") / "
              + doubleLiteral((edges[BINS] - edges[0]) / BINS)
              + ") AS INTEGER)))";
      // list indexes are 1-based: edges[i] is list[i + 1]
      sql.append(", histogram(CASE WHEN ")
          .append(v)
          .append(" < ")
          .append(list)
          .append("[")
          .append(k)
          .append(" + 1] THEN ")
          .append(k)
          .append(" - 1 WHEN ")
          .append(k)
          .append(" < ")
          .append(BINS - 1)
          .append(" AND ")
          .append(v)
          .append(" >= ")
          .append(list)
          .append("[")
          .append(k)
          .append(" + 2] THEN ")
          .append(k)
          .append(" + 1 ELSE ")
          .append(k)
          // greatest/least skip NULLs: without the filter a missing value would count in bin 0
          .append(" END) FILTER (WHERE ")
          .append(v)
          .append(" IS NOT NULL)");
    }
    if (binned.isEmpty()) {
      return;
    }
    sql.append(" FROM ").append(source);
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql.toString())) {
      rs.next();
      for (int k = 0; k < binned.size(); k++) {
        long[] counts = new long[BINS];
        Object map = rs.getObject(k + 2);
        if (map instanceof Map<?, ?> m) {
          for (Map.Entry<?, ?> e : m.entrySet()) {
            counts[((Number) e.getKey()).intValue()] += ((Number) e.getValue()).longValue();
          }
        }
        List<Double> edges = new ArrayList<>(BINS + 1);
        for (double e : allEdges.get(k)) {
          edges.add(e);
        }
        binned.get(k).histogram =
            new Histogram(edges, java.util.Arrays.stream(counts).boxed().toList());
      }
    }
  }

  /** The most frequent values of a column, ties by value. */
  private static List<TopValue> top(Connection c, String source, Col col) throws SQLException {
    String v = col.categorical();
    String sql =
        "SELECT "
            + v
            + " AS v, count(*) AS n FROM "
            + source
            + " WHERE "
            + v
            + " IS NOT NULL GROUP BY 1 ORDER BY n DESC, v ASC LIMIT "
            + TOP_K;
    List<TopValue> top = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        Object value = rs.getObject(1);
        top.add(new TopValue(DatasetLabels.canonical(value), rs.getLong(2)));
      }
    }
    return top;
  }

  /** A DOUBLE literal that DuckDB parses to exactly {@code d} (not a DECIMAL). */
  private static String doubleLiteral(double d) {
    return "CAST('" + d + "' AS DOUBLE)";
  }

  private static Double toDouble(Object o) {
    if (o == null) {
      return null;
    }
    double d = ((Number) o).doubleValue();
    return Double.isFinite(d) ? d : null;
  }
}
