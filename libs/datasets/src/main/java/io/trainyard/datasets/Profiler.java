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
 * Every query runs on one DuckDB thread, so the sums (mean, standard deviation) add the
 * floating-point values in one order: the same files always give the same profile, byte for byte.
 * The parallelism is across queries instead: up to one query per core at once, each on its own
 * connection (the moments of each group, then each column's frequency table and the statistics
 * taken from it, which are exact in any order). Quantiles and histogram counts come from one pass
 * over a column's frequency table, which puts its values in fine equal-width buckets so that only
 * the buckets holding a wanted rank are sorted.
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
    Path work = Files.createTempDirectory("trainyard-profile-");
    try (Connection c = DuckDb.openOnDisk(work)) {
      List<SplitProfile> profiles =
          profile(c, splits.stream().map(SplitFile::file).toList(), true, true);
      SplitProfile whole = profiles.get(0);
      Map<String, SplitProfile> perSplit = new LinkedHashMap<>();
      for (int i = 0; i < splits.size(); i++) {
        perSplit.put(splits.get(i).name(), profiles.get(1 + i));
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
    } finally {
      DuckDb.deleteTree(work);
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
    Path work = Files.createTempDirectory("trainyard-profile-");
    try (Connection c = DuckDb.openOnDisk(work)) {
      return profile(c, files, false, false).get(0);
    } catch (SQLException e) {
      throw new IOException("cannot profile " + files + ": " + DuckDb.shortMessage(e), e);
    } finally {
      DuckDb.deleteTree(work);
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

  /** The group of the whole version (all parts together) in the frequency tables. */
  private static final int WHOLE = -1;

  /**
   * Profiles {@code parts}: all of them together (the whole version, with the inferred schema when
   * {@code schema}) and, when {@code perPart}, each part on its own. Answers the whole version's
   * profile first, then one per part.
   *
   * <p>Counts and moments come from one pass per group on one thread (see the class comment).
   * Everything else comes from one frequency table per column, {@code f(g, x, n)}: the column's
   * distinct non-missing values {@code x} with their count {@code n} in each part {@code g} and in
   * the whole version ({@code g = -1}), built in one pass over the parts (the whole version's
   * counts are summed from the parts' counts). The distinct count is its rows, top values its
   * largest counts, the histogram the sum of the counts per bin, and a quantile the value whose
   * running count passes the wanted rank, so each column is read once for all groups, and only its
   * distinct values are sorted.
   */
  private static List<SplitProfile> profile(
      Connection c, List<Path> parts, boolean perPart, boolean schema) throws SQLException {
    String all =
        "read_parquet("
            + parts.stream().map(DuckDb::literal).collect(Collectors.joining(", ", "[", "]"))
            + ")";
    List<String> names = new ArrayList<>();
    List<String> duckTypes = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + all)) {
      while (rs.next()) {
        String name = rs.getString("column_name");
        if (!name.equals(CsvSplitter.ROW_ID)) {
          names.add(name);
          duckTypes.add(rs.getString("column_type"));
        }
      }
    }
    // groups[0] is the whole version, groups[1 + p] part p
    List<Integer> groups = new ArrayList<>();
    groups.add(WHOLE);
    if (perPart) {
      for (int p = 0; p < parts.size(); p++) {
        groups.add(p);
      }
    }
    List<List<Col>> cols = new ArrayList<>();
    long[] rows = new long[groups.size()];
    // Every query runs on one DuckDB thread (the sums are then added in one order), and up to
    // THREADS queries run at once, each on its own connection.
    DuckDb.execute(c, "SET threads = 1");
    List<DuckDb.Task> aggregates = new ArrayList<>();
    for (int k = 0; k < groups.size(); k++) {
      List<Col> gc = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        gc.add(new Col(names.get(i), duckTypes.get(i)));
      }
      cols.add(gc);
      String source =
          groups.get(k) == WHOLE
              ? all
              : "read_parquet([" + DuckDb.literal(parts.get(groups.get(k))) + "])";
      int group = k;
      aggregates.add(w -> rows[group] = aggregates(w, source, gc));
    }
    DuckDb.inParallel(c, THREADS, aggregates, null);
    StringBuilder src = new StringBuilder("CREATE TEMP VIEW src AS ");
    if (perPart) {
      for (int p = 0; p < parts.size(); p++) {
        src.append(p == 0 ? "" : " UNION ALL ")
            .append("SELECT CAST(")
            .append(p)
            .append(" AS INTEGER) AS part, * FROM read_parquet([")
            .append(DuckDb.literal(parts.get(p)))
            .append("])");
      }
    } else {
      src.append("SELECT CAST(").append(WHOLE).append(" AS INTEGER) AS part, * FROM ").append(all);
    }
    List<List<String>> categories = new ArrayList<>();
    List<DuckDb.Task> columns = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      List<Col> column = new ArrayList<>();
      for (List<Col> gc : cols) {
        column.add(gc.get(i));
      }
      categories.add(null);
      int index = i;
      columns.add(w -> categories.set(index, frequencies(w, groups, column, perPart, schema)));
    }
    // src and f are temporary, so each connection has its own
    DuckDb.inParallel(c, THREADS, columns, src.toString());
    List<SplitProfile> result = new ArrayList<>();
    for (int k = 0; k < groups.size(); k++) {
      List<ColumnProfile> profiles = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        ColumnProfile profile = cols.get(k).get(i).toProfile(rows[k]);
        if (schema && k == 0) {
          profile = profile.withSchema(categories.get(i));
        }
        profiles.add(profile);
      }
      result.add(new SplitProfile(rows[k], profiles));
    }
    return result;
  }

  /**
   * Builds column {@code column}'s frequency table {@code f(g, x, n)} and fills in the distinct
   * counts, quantiles, histograms and top values of every group; answers the whole version's
   * categories (sorted canonical text) when {@code schema} and the column is categorical, else
   * null.
   */
  private static List<String> frequencies(
      Connection c, List<Integer> groups, List<Col> column, boolean perPart, boolean schema)
      throws SQLException {
    Col first = column.get(0);
    String x = first.categorical();
    // Per part first, then the whole version from those counts: the rows are hashed once, and
    // the whole version's counts from the per-part distinct values.
    DuckDb.execute(
        c,
        "CREATE OR REPLACE TEMP TABLE f AS SELECT "
            + (perPart ? "part" : String.valueOf(WHOLE))
            + " AS g, x, count(*) AS n FROM (SELECT part, "
            + x
            + " AS x FROM src) WHERE x IS NOT NULL GROUP BY "
            + (perPart ? "part, x" : "x"));
    if (perPart) {
      DuckDb.execute(
          c, "INSERT INTO f SELECT " + WHOLE + ", x, CAST(sum(n) AS BIGINT) FROM f GROUP BY x");
    }
    Map<Integer, Col> byGroup = new LinkedHashMap<>();
    for (int k = 0; k < groups.size(); k++) {
      byGroup.put(groups.get(k), column.get(k));
    }
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT g, count(*) FROM f GROUP BY g")) {
      while (rs.next()) {
        byGroup.get(rs.getInt(1)).distinct = rs.getLong(2);
      }
    }
    if (first.kind != Kind.OTHER) {
      // quantiles and histograms, from one pass over the frequency table
      quantiles(c, byGroup, histogramPlan(byGroup));
    }
    top(c, byGroup);
    Col whole = byGroup.get(WHOLE);
    if (!schema
        || !DatasetProfile.kindOf(whole.logical, whole.count, whole.distinct)
            .equals(DatasetProfile.CATEGORICAL)) {
      return null;
    }
    List<String> values = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT x FROM f WHERE g = " + WHOLE)) {
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

  /**
   * The quantiles of a numeric column in every group, as numpy computes them: for {@code n} sorted
   * values and fraction {@code q}, {@code h = (n - 1) * q}, {@code a = x[floor(h)]}, {@code b =
   * x[min(floor(h) + 1, n - 1)]}, {@code t = h - floor(h)}, and the quantile is {@code a + (b - a)
   * * t} when {@code t < 0.5}, else {@code b - (b - a) * (1 - t)} (numpy's {@code _lerp}). The
   * value at a rank is found in the frequency table: the value whose running count (in value order)
   * first exceeds the rank. DuckDB's {@code quantile_cont} has the same definition but rounds
   * differently (6.999999999999999 as p1 of six 7s).
   */
  private static void quantiles(Connection c, Map<Integer, Col> byGroup, HistogramPlan histograms)
      throws SQLException {
    List<Double> fractions = Quantiles.FRACTIONS;
    Map<Integer, long[]> los = new LinkedHashMap<>();
    Map<Integer, long[]> his = new LinkedHashMap<>();
    Map<Integer, double[]> ts = new LinkedHashMap<>();
    for (Map.Entry<Integer, Col> e : byGroup.entrySet()) {
      long n = e.getValue().count;
      if (n == 0) {
        continue;
      }
      long[] lo = new long[fractions.size()];
      long[] hi = new long[fractions.size()];
      double[] t = new double[fractions.size()];
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
      }
      los.put(e.getKey(), lo);
      his.put(e.getKey(), hi);
      ts.put(e.getKey(), t);
    }
    if (los.isEmpty()) {
      return;
    }
    Map<Integer, java.util.TreeSet<Long>> ranks = new LinkedHashMap<>();
    for (Map.Entry<Integer, long[]> e : los.entrySet()) {
      java.util.TreeSet<Long> r = new java.util.TreeSet<>();
      for (long v : e.getValue()) {
        r.add(v);
      }
      for (long v : his.get(e.getKey())) {
        r.add(v);
      }
      ranks.put(e.getKey(), r);
    }
    Map<Integer, Map<Long, Double>> at = valuesAtRanks(c, byGroup, ranks, histograms);
    for (Map.Entry<Integer, long[]> e : los.entrySet()) {
      long[] lo = e.getValue();
      long[] hi = his.get(e.getKey());
      double[] t = ts.get(e.getKey());
      Map<Long, Double> values = at.get(e.getKey());
      Double[] q = new Double[fractions.size()];
      for (int k = 0; k < q.length; k++) {
        double a = values.get(lo[k]);
        double b = values.get(hi[k]);
        double diff = b - a;
        q[k] = t[k] >= 0.5 ? b - diff * (1 - t[k]) : a + diff * t[k];
      }
      byGroup.get(e.getKey()).quantiles = new Quantiles(q[0], q[1], q[2], q[3], q[4], q[5], q[6]);
    }
  }

  /** Buckets of a column's values when its ranks are looked up (see {@link #valuesAtRanks}). */
  private static final int RANK_BUCKETS = 1 << 14;

  /**
   * The values at the given 0-based ranks (in value order) of each group's non-missing values, from
   * the frequency table f(g, x, n): the value whose running count first exceeds the rank.
   *
   * <p>Instead of sorting the whole table, its values are put in {@value #RANK_BUCKETS} equal-width
   * buckets between the group's min and max, {@code b = floor((x - min) / width)} clamped to the
   * buckets. b never decreases as x grows (each step rounds monotonically), so the buckets in order
   * hold the values in order: one pass counts each bucket, and only the buckets holding a wanted
   * rank are read back, sorted, and counted through.
   */
  private static Map<Integer, Map<Long, Double>> valuesAtRanks(
      Connection c,
      Map<Integer, Col> byGroup,
      Map<Integer, java.util.TreeSet<Long>> ranks,
      HistogramPlan histograms)
      throws SQLException {
    StringBuilder bucket = new StringBuilder("CASE g");
    for (Integer g : ranks.keySet()) {
      Col col = byGroup.get(g);
      double width = (col.max - col.min) / RANK_BUCKETS;
      bucket.append(" WHEN ").append(g).append(" THEN ");
      if (!(width > 0) || !Double.isFinite(width)) {
        bucket.append('0'); // one bucket: still in order
      } else {
        bucket
            .append("CAST(least(")
            .append(RANK_BUCKETS - 1)
            .append(", greatest(0, floor((CAST(x AS DOUBLE) - ")
            .append(doubleLiteral(col.min))
            .append(") / ")
            .append(doubleLiteral(width))
            .append("))) AS INTEGER)");
      }
    }
    bucket.append(" END");
    String groups = ranks.keySet().stream().map(String::valueOf).collect(Collectors.joining(", "));
    DuckDb.execute(
        c,
        "CREATE OR REPLACE TEMP TABLE fb AS SELECT g, "
            + bucket
            + " AS b, "
            + (histograms == null ? "CAST(NULL AS INTEGER)" : histograms.bins())
            + " AS h, x, n FROM f WHERE g IN ("
            + groups
            + ")");
    Map<Integer, long[]> counts = new LinkedHashMap<>();
    for (Integer g : ranks.keySet()) {
      counts.put(g, new long[RANK_BUCKETS]);
    }
    Map<Integer, long[]> binCounts = new LinkedHashMap<>();
    if (histograms != null) {
      for (Integer g : histograms.edges().keySet()) {
        binCounts.put(g, new long[BINS]);
      }
    }
    // the histogram bins come along: both counts in one pass
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT g, b, h, sum(n) FROM fb GROUP BY g, b, h")) {
      while (rs.next()) {
        int g = rs.getInt(1);
        long n = rs.getLong(4);
        counts.get(g)[rs.getInt(2)] += n;
        int h = rs.getInt(3);
        if (!rs.wasNull()) {
          binCounts.get(g)[h] += n;
        }
      }
    }
    if (histograms != null) {
      for (Map.Entry<Integer, double[]> e : histograms.edges().entrySet()) {
        List<Double> edges = new ArrayList<>(BINS + 1);
        for (double d : e.getValue()) {
          edges.add(d);
        }
        byGroup.get(e.getKey()).histogram =
            new Histogram(
                edges, java.util.Arrays.stream(binCounts.get(e.getKey())).boxed().toList());
      }
    }
    // the buckets holding a wanted rank, with the count of the values before them
    Map<Integer, Map<Integer, Long>> wanted = new LinkedHashMap<>();
    StringBuilder filter = new StringBuilder();
    for (Map.Entry<Integer, java.util.TreeSet<Long>> e : ranks.entrySet()) {
      long[] n = counts.get(e.getKey());
      Map<Integer, Long> buckets = new java.util.TreeMap<>();
      long before = 0;
      int b = 0;
      for (long r : e.getValue()) {
        while (b < n.length && before + n[b] <= r) {
          before += n[b++];
        }
        if (b == n.length) {
          throw new SQLException("rank " + r + " beyond the values of group " + e.getKey());
        }
        buckets.put(b, before);
      }
      wanted.put(e.getKey(), buckets);
      filter
          .append(filter.length() == 0 ? "" : " OR ")
          .append("(g = ")
          .append(e.getKey())
          .append(" AND b IN (")
          .append(buckets.keySet().stream().map(String::valueOf).collect(Collectors.joining(", ")))
          .append("))");
    }
    Map<Integer, Map<Long, Double>> at = new LinkedHashMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT g, b, CAST(x AS DOUBLE), n FROM fb WHERE "
                    + filter
                    + " ORDER BY g, b, x")) {
      int g = Integer.MIN_VALUE;
      int b = -1;
      long before = 0;
      java.util.Iterator<Long> pending = null;
      Long next = null;
      while (rs.next()) {
        int rg = rs.getInt(1);
        int rb = rs.getInt(2);
        if (rg != g || rb != b) {
          g = rg;
          b = rb;
          before = wanted.get(g).get(b);
          pending = ranks.get(g).tailSet(before).iterator();
          next = pending.hasNext() ? pending.next() : null;
        }
        double x = rs.getDouble(3);
        long n = rs.getLong(4);
        Map<Long, Double> values = at.computeIfAbsent(g, k -> new java.util.HashMap<>());
        while (next != null && next < before + n) {
          values.put(next, x);
          next = pending.hasNext() ? pending.next() : null;
        }
        before += n;
      }
    }
    return at;
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
   * Plans the histograms of a numeric column in every group: each value's bin is counted with the
   * rank buckets ({@link #valuesAtRanks}), by summing the frequency table's counts per bin index; a
   * constant column's single bin is set here. The index is {@code floor((x - min) / step)} clamped
   * to the bins, then moved by one when floating-point rounding put it on the wrong side of an
   * edge, so that a value falls in bin {@code i} exactly when {@code edges[i] <= x < edges[i + 1]}
   * (the last bin includes max), as numpy.histogram counts.
   */
  private static HistogramPlan histogramPlan(Map<Integer, Col> byGroup) {
    Map<Integer, double[]> allEdges = new LinkedHashMap<>();
    StringBuilder bins = new StringBuilder("CASE g");
    for (Map.Entry<Integer, Col> e : byGroup.entrySet()) {
      Col col = e.getValue();
      if (col.count == 0) {
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
      allEdges.put(e.getKey(), edges);
      String v = "CAST(x AS DOUBLE)";
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
      bins.append(" WHEN ")
          .append(e.getKey())
          .append(" THEN CASE WHEN ")
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
          .append(" END");
    }
    if (allEdges.isEmpty()) {
      return null;
    }
    bins.append(" END");
    return new HistogramPlan(allEdges, bins.toString());
  }

  /** The groups that get equal-width bins, their edges, and the SQL of a value's bin (or NULL). */
  private record HistogramPlan(Map<Integer, double[]> edges, String bins) {}

  /** The most frequent values of a column in every group that wants them, ties by value. */
  private static void top(Connection c, Map<Integer, Col> byGroup) throws SQLException {
    List<Integer> wanted = new ArrayList<>();
    for (Map.Entry<Integer, Col> e : byGroup.entrySet()) {
      if (e.getValue().wantsTop()) {
        e.getValue().top = new ArrayList<>();
        if (e.getValue().distinct > 0) {
          wanted.add(e.getKey());
        }
      }
    }
    if (wanted.isEmpty()) {
      return;
    }
    String sql =
        "SELECT g, x, n FROM f WHERE g IN ("
            + wanted.stream().map(String::valueOf).collect(Collectors.joining(", "))
            + ") QUALIFY row_number() OVER (PARTITION BY g ORDER BY n DESC, x ASC) <= "
            + TOP_K
            + " ORDER BY g, n DESC, x ASC";
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        byGroup
            .get(rs.getInt(1))
            .top
            .add(new TopValue(DatasetLabels.canonical(rs.getObject(2)), rs.getLong(3)));
      }
    }
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
