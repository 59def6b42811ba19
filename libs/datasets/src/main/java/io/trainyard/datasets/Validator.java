package io.trainyard.datasets;

import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.DatasetProfile.ColumnProfile;
import io.trainyard.datasets.ValidationReport.Anomaly;
import io.trainyard.datasets.ValidationReport.Severity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Checks a split table for anomalies and answers its {@link ValidationReport}, from the {@link
 * IngestResult}, the {@link DatasetProfile} and DuckDB queries over the split Parquet files. The
 * checks, by code:
 *
 * <ul>
 *   <li>{@value #UNLABELED_ROWS} (info, on the target): rows without a target value; value = the
 *       count.
 *   <li>{@value #NAN_OR_INF} (warning, per {@code number} column): NaN, +Infinity or -Infinity
 *       values (the profile counts them as missing); value = the count.
 *   <li>{@value #MISSING_VALUES} (warning, per feature): empty (NULL) cells; value = their share of
 *       all rows (NaN and infinities are left to {@value #NAN_OR_INF}).
 *   <li>{@value #CONSTANT_COLUMN} (warning, per feature): at most one distinct value; value = that
 *       value when numeric.
 *   <li>{@value #TARGET_LEAKAGE} (error, per feature): on every labeled row the feature equals a
 *       numeric or boolean target, or, for a target with two classes, the feature has exactly two
 *       values and each goes with one class only (the target, its complement, or any relabeling of
 *       it: a perfect separation).
 *   <li>{@value #DUPLICATE_ROWS} (info): exact duplicate rows; value = how many de-duplication
 *       dropped, or, when none were dropped, how many rows of the splits duplicate another
 *       (de-duplication off).
 *   <li>{@value #CLASS_IMBALANCE} (classification only; warning when the smallest class has less
 *       than {@value #MINORITY_WARNING_SHARE} of the labeled rows, info otherwise): the class
 *       shares; value = the smallest class's share.
 *   <li>{@value #SINGLE_CLASS} (error, classification only): the train split has a single class.
 * </ul>
 *
 * Checks against declared columns (values out of a declared range, unexpected categories) need a
 * column declaration the pipeline spec cannot express yet; they are not done.
 */
public final class Validator {

  public static final String UNLABELED_ROWS = "unlabeled_rows";
  public static final String NAN_OR_INF = "nan_or_inf";
  public static final String MISSING_VALUES = "missing_values";
  public static final String CONSTANT_COLUMN = "constant_column";
  public static final String TARGET_LEAKAGE = "target_leakage";
  public static final String DUPLICATE_ROWS = "duplicate_rows";
  public static final String CLASS_IMBALANCE = "class_imbalance";
  public static final String SINGLE_CLASS = "single_class";

  /** Below this share of the labeled rows, the smallest class is a warning. */
  public static final double MINORITY_WARNING_SHARE = 0.05;

  private static final int MAX_LISTED_CLASSES = 10;

  private Validator() {}

  /**
   * Validates the splits of {@code result}.
   *
   * @param result what {@link CsvSplitter#split} wrote (the split files must still exist)
   * @param profile their profile ({@link Profiler#profile})
   * @param task the pipeline's task: the class checks run for classification only
   * @throws IOException when a split file is missing or cannot be read
   */
  public static ValidationReport validate(IngestResult result, DatasetProfile profile, Task task)
      throws IOException {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(profile, "profile");
    Objects.requireNonNull(task, "task");
    for (SplitFile split : result.splits()) {
      if (!Files.isRegularFile(split.file())) {
        throw new NoSuchFileException(split.file().toString(), null, "Parquet file not found");
      }
    }
    try (Connection c = DuckDb.open()) {
      DuckDb.execute(c, "SET threads = 1");
      return new Run(c, result, profile, task).run();
    } catch (SQLException e) {
      throw new IOException("cannot validate the splits: " + DuckDb.shortMessage(e), e);
    }
  }

  private static final class Run {
    private final Connection c;
    private final IngestResult result;
    private final DatasetProfile profile;
    private final Task task;
    private final String all;
    private final String labeled;
    private final String train;
    private final String target;
    private final String targetType;
    private final List<Anomaly> anomalies = new ArrayList<>();

    Run(Connection c, IngestResult result, DatasetProfile profile, Task task) {
      this.c = c;
      this.result = result;
      this.profile = profile;
      this.task = task;
      this.all = source(result.splits());
      this.labeled =
          source(
              result.splits().stream()
                  .filter(s -> !s.name().equals(CsvSplitter.UNLABELED))
                  .toList());
      this.train = source(result.splits().stream().filter(s -> s.name().equals("train")).toList());
      this.target = DuckDb.ident(result.target());
      this.targetType = typeOf(result.target());
    }

    ValidationReport run() throws SQLException {
      unlabeledRows();
      Map<String, Long> nanOrInf = nanOrInf();
      for (String feature : result.features()) {
        missingValues(feature, nanOrInf.getOrDefault(feature, 0L));
        constantColumn(feature);
      }
      targetLeakage();
      duplicateRows();
      if (task.classification()) {
        classes();
      }
      return ValidationReport.of(anomalies);
    }

    private void unlabeledRows() {
      long unlabeled = result.unlabeledRows();
      if (unlabeled > 0) {
        anomalies.add(
            new Anomaly(
                UNLABELED_ROWS,
                Severity.INFO,
                result.target(),
                unlabeled
                    + " of "
                    + result.inputRows()
                    + " rows have no target value; they are kept apart in the "
                    + CsvSplitter.UNLABELED
                    + " split (not used for training)",
                (double) unlabeled));
      }
    }

    /** NaN and ±Infinity per number column, reported; answers the total per column. */
    private Map<String, Long> nanOrInf() throws SQLException {
      List<String> numbers =
          result.schema().stream()
              .filter(col -> col.type().equals(Column.NUMBER))
              .map(Column::name)
              .toList();
      Map<String, Long> counts = new LinkedHashMap<>();
      if (numbers.isEmpty()) {
        return counts;
      }
      StringBuilder sql = new StringBuilder("SELECT 0");
      for (String name : numbers) {
        String v = "CAST(" + DuckDb.ident(name) + " AS DOUBLE)";
        sql.append(", count(*) FILTER (WHERE isnan(").append(v).append("))");
        sql.append(", count(*) FILTER (WHERE isinf(").append(v).append(") AND ");
        sql.append(v).append(" > 0)");
        sql.append(", count(*) FILTER (WHERE isinf(").append(v).append(") AND ");
        sql.append(v).append(" < 0)");
      }
      sql.append(" FROM ").append(all);
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql.toString())) {
        rs.next();
        int i = 2;
        for (String name : numbers) {
          long nan = rs.getLong(i++);
          long posInf = rs.getLong(i++);
          long negInf = rs.getLong(i++);
          long total = nan + posInf + negInf;
          counts.put(name, total);
          if (total > 0) {
            List<String> parts = new ArrayList<>();
            if (nan > 0) {
              parts.add(nan + " NaN");
            }
            if (posInf > 0) {
              parts.add(posInf + " +Infinity");
            }
            if (negInf > 0) {
              parts.add(negInf + " -Infinity");
            }
            anomalies.add(
                new Anomaly(
                    NAN_OR_INF,
                    Severity.WARNING,
                    name,
                    "column '"
                        + name
                        + "' has "
                        + String.join(", ", parts)
                        + " (of "
                        + profile.rows()
                        + " rows); they count as missing in the profile",
                    (double) total));
          }
        }
      }
      return counts;
    }

    private void missingValues(String feature, long nanOrInf) {
      ColumnProfile column = profile.column(feature);
      if (column == null) {
        return;
      }
      long empty = column.missing() - nanOrInf;
      if (empty <= 0 || profile.rows() == 0) {
        return;
      }
      double share = (double) empty / profile.rows();
      anomalies.add(
          new Anomaly(
              MISSING_VALUES,
              Severity.WARNING,
              feature,
              "column '"
                  + feature
                  + "' has no value in "
                  + empty
                  + " of "
                  + profile.rows()
                  + " rows ("
                  + percent(share)
                  + ")",
              share));
    }

    private void constantColumn(String feature) {
      ColumnProfile column = profile.column(feature);
      if (column == null || column.distinct() > 1) {
        return;
      }
      if (column.distinct() == 0) {
        anomalies.add(
            new Anomaly(
                CONSTANT_COLUMN,
                Severity.WARNING,
                feature,
                "column '" + feature + "' has no value in any row",
                null));
        return;
      }
      Double value = column.min();
      String shown =
          value != null
              ? DatasetLabels.canonical(value)
              : column.top() != null && !column.top().isEmpty()
                  ? column.top().get(0).value()
                  : null;
      anomalies.add(
          new Anomaly(
              CONSTANT_COLUMN,
              Severity.WARNING,
              feature,
              "column '"
                  + feature
                  + "' has a single value"
                  + (shown == null ? "" : " (" + shown + ")")
                  + (column.missing() > 0 ? " where it is not empty" : " in every row")
                  + "; it cannot help a model",
              value));
    }

    private void targetLeakage() throws SQLException {
      List<String> features = result.features();
      if (features.isEmpty()) {
        return;
      }
      boolean numericTarget =
          targetType.equals(Column.INTEGER)
              || targetType.equals(Column.NUMBER)
              || targetType.equals(Column.BOOLEAN);
      boolean binary = result.targetValues().size() == 2;
      if (!numericTarget && !binary) {
        return;
      }
      String t = "CAST(" + target + " AS VARCHAR)";
      StringBuilder sql = new StringBuilder("SELECT count(*)");
      for (String feature : features) {
        String raw = "TRY_CAST(" + DuckDb.ident(feature) + " AS DOUBLE)";
        String f = "CASE WHEN isfinite(" + raw + ") THEN " + raw + " END";
        if (numericTarget) {
          sql.append(", count(*) FILTER (WHERE ")
              .append(f)
              .append(" IS DISTINCT FROM TRY_CAST(")
              .append(target)
              .append(" AS DOUBLE))");
        }
        if (binary) {
          sql.append(", count(").append(f).append(')');
          sql.append(", count(DISTINCT ").append(f).append(')');
          sql.append(", count(DISTINCT CAST(")
              .append(f)
              .append(" AS VARCHAR) || chr(31) || ")
              .append(t)
              .append(')');
        }
      }
      sql.append(" FROM ").append(labeled).append(" WHERE ").append(target).append(" IS NOT NULL");
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql.toString())) {
        rs.next();
        long rows = rs.getLong(1);
        int i = 2;
        for (String feature : features) {
          boolean identical = false;
          boolean separates = false;
          if (numericTarget) {
            identical = rows > 0 && rs.getLong(i++) == 0;
          }
          if (binary) {
            long count = rs.getLong(i++);
            long distinct = rs.getLong(i++);
            long pairs = rs.getLong(i++);
            separates = rows > 0 && count == rows && distinct == 2 && pairs == 2;
          }
          if (identical || separates) {
            anomalies.add(
                new Anomaly(
                    TARGET_LEAKAGE,
                    Severity.ERROR,
                    feature,
                    "column '"
                        + feature
                        + "' "
                        + (identical
                            ? "equals the target '" + result.target() + "' on every labeled row"
                            : "has two values, each going with one class of the target '"
                                + result.target()
                                + "' only, on every labeled row (it is the target or its"
                                + " complement)")
                        + "; a model would learn nothing but this leak: remove the column or"
                        + " exclude it (features.exclude)",
                    null));
          }
        }
      }
    }

    private void duplicateRows() throws SQLException {
      if (result.duplicatesDropped() > 0) {
        anomalies.add(
            new Anomaly(
                DUPLICATE_ROWS,
                Severity.INFO,
                null,
                result.duplicatesDropped()
                    + " exact duplicate rows were dropped (ingestion.dedupe), keeping the first"
                    + " of each",
                (double) result.duplicatesDropped()));
        return;
      }
      String columns =
          result.schema().stream()
              .map(col -> DuckDb.ident(col.name()))
              .collect(Collectors.joining(", "));
      long duplicates =
          DuckDb.queryLong(
              c,
              "SELECT (SELECT count(*) FROM "
                  + all
                  + ") - (SELECT count(*) FROM (SELECT DISTINCT "
                  + columns
                  + " FROM "
                  + all
                  + "))");
      if (duplicates > 0) {
        anomalies.add(
            new Anomaly(
                DUPLICATE_ROWS,
                Severity.INFO,
                null,
                duplicates
                    + " rows are exact duplicates of another row and were kept"
                    + " (ingestion.dedupe is off)",
                (double) duplicates));
      }
    }

    private void classes() throws SQLException {
      long trainClasses =
          DuckDb.queryLong(
              c,
              "SELECT count(DISTINCT "
                  + target
                  + ") FROM "
                  + train
                  + " WHERE "
                  + target
                  + " IS NOT NULL");
      if (trainClasses == 1) {
        anomalies.add(
            new Anomaly(
                SINGLE_CLASS,
                Severity.ERROR,
                result.target(),
                "the train split has a single class of the target '"
                    + result.target()
                    + "'; a classifier needs at least two (add rows of the other classes, or"
                    + " stratify the split)",
                1.0));
      }
      Map<String, Long> counts = new LinkedHashMap<>();
      long rows = 0;
      String sql =
          "SELECT "
              + target
              + ", count(*) AS n FROM "
              + labeled
              + " WHERE "
              + target
              + " IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1";
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          long n = rs.getLong(2);
          counts.put(DatasetLabels.canonical(rs.getObject(1)), n);
          rows += n;
        }
      }
      if (counts.size() < 2) {
        return;
      }
      Map.Entry<String, Long> smallest = null;
      for (Map.Entry<String, Long> e : counts.entrySet()) {
        smallest = e; // ordered by count descending: the last is the smallest
      }
      double share = (double) smallest.getValue() / rows;
      long total = rows;
      String shares =
          counts.entrySet().stream()
              .limit(MAX_LISTED_CLASSES)
              .map(e -> "'" + e.getKey() + "' " + percent((double) e.getValue() / total))
              .collect(Collectors.joining(", "));
      if (counts.size() > MAX_LISTED_CLASSES) {
        shares += " and " + (counts.size() - MAX_LISTED_CLASSES) + " more";
      }
      boolean warn = share < MINORITY_WARNING_SHARE;
      anomalies.add(
          new Anomaly(
              CLASS_IMBALANCE,
              warn ? Severity.WARNING : Severity.INFO,
              result.target(),
              "the smallest class '"
                  + smallest.getKey()
                  + "' has "
                  + smallest.getValue()
                  + " of "
                  + rows
                  + " labeled rows ("
                  + percent(share)
                  + (warn ? ", below " + percent(MINORITY_WARNING_SHARE) : "")
                  + "); class shares: "
                  + shares,
              share));
    }

    private String typeOf(String column) {
      return result.schema().stream()
          .filter(col -> col.name().equals(column))
          .map(Column::type)
          .findFirst()
          .orElse(Column.STRING);
    }
  }

  private static String source(List<SplitFile> splits) {
    if (splits.isEmpty()) {
      throw new IllegalArgumentException("no split files");
    }
    return "read_parquet("
        + splits.stream()
            .map(s -> DuckDb.literal(s.file()))
            .collect(Collectors.joining(", ", "[", "]"))
        + ")";
  }

  private static String percent(double share) {
    return String.format(Locale.ROOT, "%.1f %%", share * 100);
  }
}
