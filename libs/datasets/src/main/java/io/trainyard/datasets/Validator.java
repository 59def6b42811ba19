package io.trainyard.datasets;

import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.PipelineSpec.Categories;
import io.trainyard.contracts.spec.PipelineSpec.ColumnSpec;
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
import java.util.HashMap;
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
 * With the pipeline spec ({@link #validate(IngestResult, DatasetProfile, PipelineSpec,
 * SchemaDiff)}), the columns it declares ({@code ingestion.columns}) are checked too, each an
 * error:
 *
 * <ul>
 *   <li>{@value #MISSING_DECLARED_COLUMN}: a declared column is not in the table.
 *   <li>{@value #TYPE_MISMATCH}: the declared type does not fit the inferred one: {@code integer}
 *       needs an {@code integer} column, {@code number} an {@code integer} or {@code number} one,
 *       {@code boolean} a {@code boolean} one or an {@code integer} one holding only 0 and 1,
 *       {@code categorical} a {@code string}, {@code integer} or {@code boolean} one (whatever its
 *       inferred kind: the declaration wins), {@code text} a {@code string} one.
 *   <li>{@value #NOT_NULLABLE}: a column declared {@code nullable: false} has missing values (as
 *       the profile counts them: NULL, and NaN or ±Infinity in {@code number} columns); value =
 *       their count.
 *   <li>{@value #OUT_OF_RANGE}: values of a numeric column below the declared {@code min} or above
 *       the declared {@code max} (finite values; NaN and infinities are left to {@value
 *       #NAN_OR_INF}); value = their count, the message gives the counts below and above and the
 *       observed min and max.
 *   <li>{@value #UNEXPECTED_CATEGORY}: values not among the declared {@code categories} (compared
 *       as canonical text, a declared category also matching its normalised form under {@code
 *       ingestion.categories}); value = their count, the message gives the most frequent of them
 *       (at most {@value #MAX_EXAMPLES}).
 * </ul>
 *
 * And the {@link SchemaDiff} against the pipeline's previous version, when there is one: each
 * breaking change is a {@value #BREAKING_SCHEMA_CHANGE} (an error, or a warning when the spec sets
 * {@code ingestion.allowBreakingChanges}); each other change a {@value #SCHEMA_CHANGE}: an info for
 * an added column, a warning for new categories (value = how many) and for a non-breaking type
 * change (integer ↔ number, a change of kind). The diff itself is the report's {@code schemaDiff}.
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
  public static final String MISSING_DECLARED_COLUMN = "missing_declared_column";
  public static final String TYPE_MISMATCH = "type_mismatch";
  public static final String NOT_NULLABLE = "not_nullable";
  public static final String OUT_OF_RANGE = "out_of_range";
  public static final String UNEXPECTED_CATEGORY = "unexpected_category";
  public static final String BREAKING_SCHEMA_CHANGE = "breaking_schema_change";
  public static final String SCHEMA_CHANGE = "schema_change";

  /** The codes of the anomalies that come from a {@link SchemaDiff}. */
  public static final java.util.Set<String> SCHEMA_CODES =
      java.util.Set.of(BREAKING_SCHEMA_CHANGE, SCHEMA_CHANGE);

  /** Unexpected values listed in an {@value #UNEXPECTED_CATEGORY} message. */
  public static final int MAX_EXAMPLES = 10;

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
    Objects.requireNonNull(task, "task");
    return validate(result, profile, task, List.of(), new Categories(true, false), null, false);
  }

  /**
   * Validates the splits of {@code result} for the pipeline {@code spec} (read with its defaults):
   * the checks of {@link #validate(IngestResult, DatasetProfile, Task)}, the declared columns, and
   * the schema changes of {@code diff}.
   *
   * @param diff how the version differs from the pipeline's previous one ({@link
   *     SchemaDiff#compare}); null when there is none to compare with
   * @throws IOException when a split file is missing or cannot be read
   */
  public static ValidationReport validate(
      IngestResult result, DatasetProfile profile, PipelineSpec spec, SchemaDiff diff)
      throws IOException {
    PipelineSpec full = Objects.requireNonNull(spec, "spec").withDefaults();
    PipelineSpec.Ingestion ingestion = full.ingestion();
    return validate(
        result,
        profile,
        full.task(),
        ingestion.columns(),
        ingestion.categories(),
        diff,
        ingestion.allowBreakingChanges());
  }

  private static ValidationReport validate(
      IngestResult result,
      DatasetProfile profile,
      Task task,
      List<ColumnSpec> declared,
      Categories categories,
      SchemaDiff diff,
      boolean allowBreakingChanges)
      throws IOException {
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(profile, "profile");
    for (SplitFile split : result.splits()) {
      if (!Files.isRegularFile(split.file())) {
        throw new NoSuchFileException(split.file().toString(), null, "Parquet file not found");
      }
    }
    try (Connection c = DuckDb.open()) {
      DuckDb.execute(c, "SET threads = 1");
      Run run = new Run(c, result, profile, task);
      run.run();
      run.declared(declared, categories);
      run.anomalies.addAll(schemaChanges(diff, allowBreakingChanges));
      return ValidationReport.of(run.anomalies, diff);
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

    void run() throws SQLException {
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
    }

    /** The checks of the declared columns. */
    void declared(List<ColumnSpec> declared, Categories categories) throws SQLException {
      for (ColumnSpec spec : declared) {
        ColumnProfile column = profile.column(spec.name());
        if (column == null) {
          anomalies.add(
              new Anomaly(
                  MISSING_DECLARED_COLUMN,
                  Severity.ERROR,
                  spec.name(),
                  "the declared column '" + spec.name() + "' is not in the table",
                  null));
          continue;
        }
        if (spec.type() != null && !typeFits(spec.type(), column)) {
          anomalies.add(
              new Anomaly(
                  TYPE_MISMATCH,
                  Severity.ERROR,
                  spec.name(),
                  "column '"
                      + spec.name()
                      + "' is declared "
                      + spec.type()
                      + " but its values are "
                      + column.type()
                      + " ("
                      + column.kindOrInferred()
                      + ")",
                  null));
        }
        if (!spec.nullableOrDefault() && column.missing() > 0) {
          anomalies.add(
              new Anomaly(
                  NOT_NULLABLE,
                  Severity.ERROR,
                  spec.name(),
                  "column '"
                      + spec.name()
                      + "' is declared not nullable but has no value in "
                      + column.missing()
                      + " of "
                      + profile.rows()
                      + " rows",
                  (double) column.missing()));
        }
        boolean numeric =
            column.type().equals(Column.INTEGER) || column.type().equals(Column.NUMBER);
        if (numeric && (spec.min() != null || spec.max() != null)) {
          outOfRange(spec, column);
        }
        if (spec.categories() != null && !spec.categories().isEmpty()) {
          unexpectedCategories(spec, column, categories);
        }
      }
    }

    private void outOfRange(ColumnSpec spec, ColumnProfile column) throws SQLException {
      String raw = "CAST(" + DuckDb.ident(spec.name()) + " AS DOUBLE)";
      String v = "CASE WHEN isfinite(" + raw + ") THEN " + raw + " END";
      String below =
          spec.min() == null ? "0" : "count(*) FILTER (WHERE " + v + " < " + dbl(spec.min()) + ")";
      String above =
          spec.max() == null ? "0" : "count(*) FILTER (WHERE " + v + " > " + dbl(spec.max()) + ")";
      long nBelow;
      long nAbove;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT " + below + ", " + above + " FROM " + all)) {
        rs.next();
        nBelow = rs.getLong(1);
        nAbove = rs.getLong(2);
      }
      if (nBelow + nAbove == 0) {
        return;
      }
      List<String> parts = new ArrayList<>();
      if (nBelow > 0) {
        parts.add(
            nBelow
                + " below the minimum "
                + DatasetLabels.canonical(spec.min())
                + " (smallest "
                + DatasetLabels.canonical(column.min())
                + ")");
      }
      if (nAbove > 0) {
        parts.add(
            nAbove
                + " above the maximum "
                + DatasetLabels.canonical(spec.max())
                + " (largest "
                + DatasetLabels.canonical(column.max())
                + ")");
      }
      anomalies.add(
          new Anomaly(
              OUT_OF_RANGE,
              Severity.ERROR,
              spec.name(),
              "column '"
                  + spec.name()
                  + "' has "
                  + (nBelow + nAbove)
                  + " values out of the declared range: "
                  + String.join(", ", parts),
              (double) (nBelow + nAbove)));
    }

    private void unexpectedCategories(ColumnSpec spec, ColumnProfile column, Categories norm)
        throws SQLException {
      java.util.Set<String> allowed = new java.util.LinkedHashSet<>();
      for (String category : spec.categories()) {
        allowed.add(category);
        String normalised = Boolean.FALSE.equals(norm.trim()) ? category : category.strip();
        if (Boolean.TRUE.equals(norm.foldCase())) {
          normalised = normalised.toLowerCase(Locale.ROOT);
        }
        allowed.add(normalised);
      }
      String v = "CAST(" + DuckDb.ident(spec.name()) + " AS VARCHAR)";
      String sql =
          "SELECT v, n, sum(n) OVER (), count(*) OVER () FROM (SELECT "
              + v
              + " AS v, count(*) AS n FROM "
              + all
              + " WHERE "
              + v
              + " IS NOT NULL AND "
              + v
              + " NOT IN ("
              + allowed.stream().map(DuckDb::literal).collect(Collectors.joining(", "))
              + ") GROUP BY 1) ORDER BY n DESC, v LIMIT "
              + MAX_EXAMPLES;
      List<String> examples = new ArrayList<>();
      long total = 0;
      long values = 0;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          examples.add("'" + rs.getString(1) + "' (" + rs.getLong(2) + ")");
          total = rs.getLong(3);
          values = rs.getLong(4);
        }
      }
      if (total == 0) {
        return;
      }
      anomalies.add(
          new Anomaly(
              UNEXPECTED_CATEGORY,
              Severity.ERROR,
              spec.name(),
              "column '"
                  + spec.name()
                  + "' has "
                  + total
                  + " values outside its declared categories, "
                  + values
                  + " distinct: "
                  + String.join(", ", examples)
                  + (values > examples.size()
                      ? " and " + (values - examples.size()) + " more"
                      : ""),
              (double) total));
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

    /** The profiles of a column in the labeled splits; empty when a split has none. */
    private List<ColumnProfile> labeledProfiles(String column) {
      List<ColumnProfile> out = new ArrayList<>();
      for (String split : CsvSplitter.SPLIT_NAMES) {
        DatasetProfile.SplitProfile sp =
            profile.splits() == null ? null : profile.splits().get(split);
        if (sp == null) {
          return List.of();
        }
        sp.columns().stream().filter(col -> col.name().equals(column)).forEach(out::add);
      }
      return out.size() == CsvSplitter.SPLIT_NAMES.size() ? out : List.of();
    }

    /**
     * Whether the feature may have exactly two values on the labeled rows: in every labeled split
     * it has at most two distinct values (else it cannot, and is not queried).
     */
    private boolean mayHaveTwoValues(String feature) {
      List<ColumnProfile> splits = labeledProfiles(feature);
      return splits.isEmpty() || splits.stream().allMatch(col -> col.distinct() <= 2);
    }

    /**
     * Whether the feature may equal the target on every labeled row: in every labeled split it has
     * no missing value and as many distinct values as the target.
     */
    private boolean mayEqualTarget(String feature) {
      List<ColumnProfile> splits = labeledProfiles(feature);
      List<ColumnProfile> targets = labeledProfiles(result.target());
      if (splits.isEmpty() || targets.isEmpty()) {
        return true;
      }
      for (int k = 0; k < splits.size(); k++) {
        if (splits.get(k).missing() > 0 || splits.get(k).distinct() != targets.get(k).distinct()) {
          return false;
        }
      }
      return true;
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
      Map<String, String> types = new HashMap<>();
      result.schema().forEach(col -> types.put(col.name(), col.type()));
      String t = "CAST(" + target + " AS VARCHAR)";
      StringBuilder sql = new StringBuilder("SELECT count(*)");
      // Only features the profile cannot rule out are checked: the distinct counts are costly.
      List<boolean[]> checks = new ArrayList<>();
      for (String feature : features) {
        String type = types.getOrDefault(feature, Column.NUMBER);
        boolean numericFeature = type.equals(Column.INTEGER) || type.equals(Column.NUMBER);
        String f;
        String same;
        if (numericFeature) {
          String raw = "TRY_CAST(" + DuckDb.ident(feature) + " AS DOUBLE)";
          f = "CASE WHEN isfinite(" + raw + ") THEN " + raw + " END";
          same = numericTarget ? "TRY_CAST(" + target + " AS DOUBLE)" : null;
        } else {
          f = "CAST(" + DuckDb.ident(feature) + " AS VARCHAR)";
          same = t;
        }
        boolean checkIdentical = same != null && mayEqualTarget(feature);
        boolean checkSeparates = binary && mayHaveTwoValues(feature);
        checks.add(new boolean[] {checkIdentical, checkSeparates});
        if (checkIdentical) {
          sql.append(", count(*) FILTER (WHERE ")
              .append(f)
              .append(" IS DISTINCT FROM ")
              .append(same)
              .append(")");
        }
        if (checkSeparates) {
          sql.append(", count(").append(f).append(')');
          sql.append(", count(DISTINCT ").append(f).append(')');
          sql.append(", count(DISTINCT CAST(")
              .append(f)
              .append(" AS VARCHAR) || chr(31) || ")
              .append(t)
              .append(')');
        }
      }
      if (checks.stream().noneMatch(ch -> ch[0] || ch[1])) {
        return;
      }
      sql.append(" FROM ").append(labeled).append(" WHERE ").append(target).append(" IS NOT NULL");
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql.toString())) {
        rs.next();
        long rows = rs.getLong(1);
        int i = 2;
        for (int k = 0; k < features.size(); k++) {
          String feature = features.get(k);
          boolean identical = false;
          boolean separates = false;
          if (checks.get(k)[0]) {
            identical = rows > 0 && rs.getLong(i++) == 0;
          }
          if (checks.get(k)[1]) {
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

  /**
   * The anomalies of a schema diff: {@value #BREAKING_SCHEMA_CHANGE} per breaking change (an error,
   * a warning when {@code allowBreakingChanges}), {@value #SCHEMA_CHANGE} per other change (info
   * for an added column, warning otherwise); none for a null diff.
   */
  public static List<Anomaly> schemaChanges(SchemaDiff diff, boolean allowBreakingChanges) {
    List<Anomaly> found = new ArrayList<>();
    if (diff == null) {
      return found;
    }
    String against = diff.from() == null ? "the previous version" : "v" + diff.from();
    for (SchemaDiff.Change change : diff.changes()) {
      if (change.breaking()) {
        found.add(
            new Anomaly(
                BREAKING_SCHEMA_CHANGE,
                allowBreakingChanges ? Severity.WARNING : Severity.ERROR,
                change.column(),
                change.code()
                    + " against "
                    + against
                    + ": "
                    + change.message()
                    + (allowBreakingChanges
                        ? " (accepted: ingestion.allowBreakingChanges is set)"
                        : "; this breaks the schema (restore it, or set"
                            + " ingestion.allowBreakingChanges to accept it)"),
                null));
      } else {
        boolean added = change.code().equals(SchemaDiff.ADDED_COLUMN);
        found.add(
            new Anomaly(
                SCHEMA_CHANGE,
                added ? Severity.INFO : Severity.WARNING,
                change.column(),
                change.code() + " against " + against + ": " + change.message(),
                change.newCategories() == null ? null : (double) change.newCategories()));
      }
    }
    return found;
  }

  /** Whether a column fits its declared type (see the class comment). */
  static boolean typeFits(String declared, ColumnProfile column) {
    String type = column.type();
    return switch (declared) {
      case "integer" -> type.equals(Column.INTEGER);
      case "number" -> type.equals(Column.INTEGER) || type.equals(Column.NUMBER);
      case "boolean" ->
          type.equals(Column.BOOLEAN)
              || (type.equals(Column.INTEGER)
                  && (column.count() == 0 || (column.min() >= 0 && column.max() <= 1)));
      case "categorical" ->
          type.equals(Column.STRING) || type.equals(Column.INTEGER) || type.equals(Column.BOOLEAN);
      case "text" -> type.equals(Column.STRING);
      default -> true; // the spec's schema admits no other type
    };
  }

  /** A DOUBLE literal DuckDB parses to exactly {@code d}. */
  private static String dbl(double d) {
    return "CAST('" + d + "' AS DOUBLE)";
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
