package io.trainyard.datasets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns an uploaded CSV file into validated, deterministic train / validation / test Parquet
 * splits, plus an {@code unlabeled} split of the rows without a target value. Used by the ingestion
 * service; training and evaluation read the splits back with {@link ParquetTables}.
 *
 * <h2>Reading and validation</h2>
 *
 * The file must be valid UTF-8 (checked before DuckDB sees it, in one streaming pass, {@link
 * CsvScan}; a file that pass does not accept goes through a strict decoder, which reports the
 * offending offset). It is parsed by DuckDB ({@code read_csv(path, header = true, auto_detect =
 * true, sample_size = -1)}, so column types are detected over the whole file; when the same pass
 * finds the file plain enough to know the types that detection would give, they are given to {@code
 * read_csv} instead, skipping its detection pass: the same table); the dialect is fixed to RFC
 * 4180: comma delimiter, double-quote quoting, no skipped lines, strict mode, so a ragged row is an
 * error instead of being silently re-interpreted). Type detection is limited to BIGINT, DOUBLE and
 * VARCHAR (stable across DuckDB versions, and "yes"/"no" or dates stay text); a VARCHAR column
 * whose every value is {@code true} or {@code false} (any case) then becomes BOOLEAN. Each data row
 * gets {@code row_id}, its 0-based position in the file. A {@link DatasetValidationException}
 * naming the column reports: an unreadable or ragged file, no data rows, an empty, duplicate
 * (compared ignoring case) or reserved ({@code row_id}) column name, a missing target, excluded or
 * group column, a target with no value in any row, more than {@link #MAX_COLUMNS} columns, and a
 * text cell longer than {@link #MAX_CELL_BYTES} bytes. Features may be numbers, booleans or text
 * (categorical or free text); missing values (empty cells) are allowed; a feature whose cells are
 * all empty is a {@code number} column of NULLs.
 *
 * <h2>Memory</h2>
 *
 * The rows never pass through the Java heap: DuckDB loads them into a database file in a work
 * directory under {@code outDir} (deleted afterwards), keeps at most its memory limit ({@value
 * DuckDb#DEFAULT_MEMORY_LIMIT} of native memory by default, system property {@value
 * DuckDb#MEMORY_LIMIT_PROPERTY}) and spills the rest to disk, and computes the split in SQL. A file
 * many times larger than the heap is split with a heap of a few tens of megabytes.
 *
 * <h2>Cleaning</h2>
 *
 * Text features are trimmed and case-folded, rows missing a feature are dropped, and missing values
 * are filled, as {@link Cleaning} describes; each step and its count is in {@link
 * IngestResult#cleaning()}.
 *
 * <h2>Unlabeled rows</h2>
 *
 * A row whose target is empty (NULL, or blank text: blank target cells become NULL, and a text
 * target is then typed BIGINT or DOUBLE when all its other values are) goes to the {@value
 * #UNLABELED} split, for the labeling service; only labeled rows take part in the train /
 * validation / test split below, so their split is the same as for the file without the unlabeled
 * rows.
 *
 * <h2>Duplicates</h2>
 *
 * With {@link SplitConfig#dedupe()}, exact duplicate rows (equal in every input column, NULLs
 * equal) are dropped, keeping the one with the lowest {@code row_id}.
 *
 * <h2>Split algorithm</h2>
 *
 * The split depends only on the rows' content, the seed and the ratios: not on row order, the run
 * or the DuckDB version.
 *
 * <ol>
 *   <li>Each row's canonical text is its input values' text (after cleaning), joined by {@code
 *       U+001F}, NULL written as {@code U+0000}: integers in decimal; a real number that is a whole
 *       number below 2<sup>53</sup> in magnitude as that integer ({@code 2.0} is {@code "2"}, so a
 *       value hashes the same whether its column is integer or real), {@code NaN}, {@code Infinity}
 *       and {@code -Infinity} as Java writes them, other reals as DuckDB's shortest round-trip text
 *       ({@code 0.5}, {@code 1e-07}); booleans {@code true}/{@code false}; strings as is; other
 *       types such as dates as DuckDB's VARCHAR cast.
 *   <li>Its key is the first 8 bytes (big-endian, unsigned) of the SHA-256 of the UTF-8 bytes of
 *       {@code seed + "\u001f" + canonical row text}, with the seed in decimal; computed by DuckDB
 *       ({@code sha256}), compared as its first 16 lowercase hex digits.
 *   <li>Labeled rows are ordered by (key, row_id). With {@link SplitConfig#stratify()} each target
 *       value is taken separately, otherwise all rows together: of its {@code n} rows in that
 *       order, the first {@code round(n * train)} go to train, the next {@code round(n *
 *       validation)} (at most what is left; all that is left when the test ratio is 0, none when
 *       the validation ratio is 0) to validation, the rest to test. {@code round} is {@link
 *       Math#round(double)} (half up).
 * </ol>
 *
 * With a group column ({@link SplitConfig#groupBy()}), whole groups are split instead of rows, and
 * the target does not stratify: a group's key is the SHA-256 key above of {@code seed + "\u001f" +}
 * the group value's canonical text; groups are ordered by (key, group text); a group goes to train
 * when fewer than {@code round(n * train)} labeled rows come before it in that order, else to
 * validation when fewer than that plus the validation count (as above) come before it, else to
 * test. So the split sizes are within one group of the ratios, and a row with no group value is a
 * group of its own.
 *
 * <p>A split whose ratio is &gt; 0 but which would get no (labeled) rows is an error ("too few
 * rows").
 *
 * <h2>Output</h2>
 *
 * {@code train.parquet}, {@code validation.parquet} and {@code test.parquet} (always all three) and
 * {@code unlabeled.parquet} (only when there are unlabeled rows; a stale one is deleted otherwise),
 * each written with DuckDB {@code COPY ... (FORMAT parquet)} and moved into place, hold {@code
 * row_id} BIGINT, then the input columns in input order: integer features as BIGINT, other numeric
 * features as DOUBLE, the target and the excluded columns with their detected type. Rows are
 * ordered by {@code row_id}.
 */
public final class CsvSplitter {

  /**
   * The names of the three splits of the labeled rows, in the order of {@link
   * IngestResult#splits()}.
   */
  public static final List<String> SPLIT_NAMES = List.of("train", "validation", "test");

  /**
   * The name of the fourth split: the rows whose target is empty (NULL or blank), for the labeling
   * service. Listed last in {@link IngestResult#splits()}, and only when there are such rows.
   */
  public static final String UNLABELED = "unlabeled";

  /** The most columns a file may have. */
  public static final int MAX_COLUMNS = 1_000;

  /** The longest text cell accepted, in UTF-8 bytes. */
  public static final int MAX_CELL_BYTES = 65_536;

  /** The column added to every split: the row's 0-based position among the file's data rows. */
  public static final String ROW_ID = "row_id";

  /**
   * A column that says where each row's label came from ({@code original}, {@code human}, {@code
   * consensus}, {@code rule}, {@code pseudo}; labeling writes it): kept in the splits, never a
   * feature.
   */
  public static final String LABEL_SOURCE = "label_source";

  private static final String CSV_OPTIONS =
      "delim = ',', quote = '\"', escape = '\"', skip = 0, strict_mode = true, null_padding ="
          + " false";

  private static final String SEPARATOR = "\u001f";

  private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
  private static final int UNLABELED_SPLIT = 3;

  private CsvSplitter() {}

  /**
   * Reads a CSV file with a header row, validates it, splits it deterministically and writes
   * train.parquet, validation.parquet and test.parquet, and unlabeled.parquet when some rows have
   * no target value, into outDir.
   *
   * @param csv the CSV file (UTF-8, comma-separated, header row)
   * @param config target, excluded columns, ratios, stratification, seed and de-duplication
   * @param outDir the directory for the Parquet files (created if missing; existing split files are
   *     replaced)
   * @return the schema, features, split files and counts
   * @throws DatasetValidationException when the file breaks a rule; the message names the column
   * @throws IOException when the file cannot be found or the Parquet files cannot be written
   */
  public static IngestResult split(Path csv, SplitConfig config, Path outDir)
      throws DatasetValidationException, IOException {
    Objects.requireNonNull(csv, "csv");
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(outDir, "outDir");
    if (!Files.isRegularFile(csv)) {
      throw new NoSuchFileException(csv.toString(), null, "CSV file not found");
    }
    // One pass checks the bytes and, for a plain file, finds the types DuckDB's detection would;
    // the strict decoder reports the offending offset of a file the pass does not accept.
    CsvScan.Result scan = CsvScan.scan(csv);
    if (!scan.utf8()) {
      checkUtf8(csv);
    }
    List<String> knownTypes = scan.utf8() ? scan.types() : null;
    checkColumnCount(headerFields(csv));
    Files.createDirectories(outDir);
    Path work = Files.createTempDirectory(outDir, ".duckdb-");
    try (Connection c = DuckDb.openOnDisk(work)) {
      return new Run(c, csv, config, outDir, knownTypes).run();
    } catch (SQLException e) {
      throw new IOException(
          "DuckDB failed while splitting " + csv + ": " + DuckDb.shortMessage(e), e);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    } finally {
      deleteTree(work);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** How a column is written to Parquet. */
  private enum Output {
    BIGINT,
    DOUBLE,
    AS_IS
  }

  /** The state of one split operation; columns are held in table {@code t} as c0, c1, ... */
  private static final class Run {
    private final Connection c;
    private final Path csv;
    private final SplitConfig config;
    private final Path outDir;
    private List<String> names;
    private final List<String> types = new ArrayList<>();
    private final List<Output> outputs = new ArrayList<>();
    private int targetIndex;
    private int groupIndex = -1;
    private final List<Boolean> featureColumn = new ArrayList<>();
    private final List<CleaningStep> steps = new ArrayList<>();
    private boolean aligned;
    private boolean keysComputed;

    private final List<String> knownTypes;

    Run(Connection c, Path csv, SplitConfig config, Path outDir, List<String> knownTypes) {
      this.c = c;
      this.csv = csv;
      this.config = config;
      this.outDir = outDir;
      this.knownTypes = knownTypes;
    }

    IngestResult run() throws DatasetValidationException, IOException, SQLException {
      names = readHeader();
      checkColumnCount(names.size());
      checkNames();
      load();
      long inputRows = DuckDb.queryLong(c, "SELECT count(*) FROM t");
      if (inputRows == 0) {
        throw new DatasetValidationException(null, "the file has a header row but no data rows");
      }
      targetIndex = names.indexOf(config.target());
      if (targetIndex < 0) {
        throw new DatasetValidationException(
            config.target(),
            "the target column is not in the file; its columns are " + names,
            "column '"
                + config.target()
                + "' (the target) is not in the file; its columns are "
                + names,
            null);
      }
      Set<String> excluded = checkExcluded();
      groupIndex = checkGroup();
      List<String> features = new ArrayList<>();
      List<Column> schema = new ArrayList<>();
      for (int i = 0; i < names.size(); i++) {
        boolean feature = i != targetIndex && !excluded.contains(names.get(i));
        Output out = feature ? featureOutput(i) : Output.AS_IS;
        outputs.add(out);
        if (feature) {
          features.add(names.get(i));
        }
        String logical =
            switch (out) {
              case BIGINT -> Column.INTEGER;
              case DOUBLE -> Column.NUMBER;
              case AS_IS -> DuckDb.logicalType(types.get(i));
            };
        schema.add(new Column(names.get(i), logical));
      }
      checkTargetHasValues();
      for (int i = 0; i < names.size(); i++) {
        featureColumn.add(i != targetIndex && !excluded.contains(names.get(i)));
      }
      normalizeText();
      dropMissing();
      long duplicates = 0;
      if (config.dedupe()) {
        duplicates = groupIndex < 0 ? dedupeByKey() : dedupe();
        steps.add(new CleaningStep(CleaningStep.DEDUPE, null, null, null, duplicates));
      }
      Assignment assignment = assign();
      fillMissing(schema);
      // t's rows are in row_id order (it is loaded in file order; updates and deletes keep it),
      // so assign's rows (sorted by row_id) line up with t's and the splits can be written
      // without a join and a sort. Checked, falling back to join and sort otherwise.
      aligned =
          DuckDb.queryLong(
                  c,
                  "SELECT count(*) FROM t POSITIONAL JOIN assign a WHERE t.row_id IS DISTINCT FROM"
                      + " a.row_id")
              == 0;
      int written = assignment.counts[UNLABELED_SPLIT] > 0 ? 4 : 3;
      if (written == 3) {
        Files.deleteIfExists(outDir.resolve(UNLABELED + ".parquet"));
      }
      // The files are written at once, each on its own connection: DuckDB writes one Parquet
      // file on about one thread.
      SplitFile[] files = new SplitFile[written];
      List<DuckDb.Task> writes = new ArrayList<>();
      for (int s = 0; s < written; s++) {
        int sp = s;
        writes.add(w -> files[sp] = write(w, sp, assignment.counts[sp]));
      }
      DuckDb.inParallel(c, THREADS, writes, null);
      List<SplitFile> splits = new ArrayList<>(List.of(files));
      return new IngestResult(
          schema,
          features,
          config.target(),
          splits,
          inputRows,
          duplicates,
          DatasetLabels.sorted(assignment.labels),
          steps);
    }

    /** The header's column names, as written (an empty cell is an empty name). */
    private List<String> readHeader() throws DatasetValidationException, SQLException {
      String sql =
          "SELECT * FROM read_csv("
              + DuckDb.literal(csv)
              + ", header = false, auto_detect = true, all_varchar = true, "
              + CSV_OPTIONS
              + ") LIMIT 1";
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        if (!rs.next()) {
          throw new DatasetValidationException(null, "the file is empty: it has no header row");
        }
        int n = rs.getMetaData().getColumnCount();
        List<String> header = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
          String name = rs.getString(i);
          header.add(name == null ? "" : name);
        }
        return header;
      } catch (SQLException e) {
        throw unreadable(e);
      }
    }

    private void checkNames() throws DatasetValidationException {
      Map<String, Integer> seen = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        if (name.isBlank()) {
          throw new DatasetValidationException(
              null,
              "column " + (i + 1) + " of the header has an empty name; every column needs a name");
        }
        if (name.equalsIgnoreCase(ROW_ID)) {
          throw new DatasetValidationException(
              name, "uses the reserved name 'row_id' (Trainyard adds a row_id column); rename it");
        }
        Integer first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), i);
        if (first != null) {
          throw new DatasetValidationException(
              name,
              "appears twice in the header (columns "
                  + (first + 1)
                  + " and "
                  + (i + 1)
                  + "; names are compared ignoring case)");
        }
      }
    }

    /** Loads the file into table t(row_id, c0, c1, ...) and records the detected types. */
    private void load() throws DatasetValidationException, SQLException {
      String internalNames =
          java.util.stream.IntStream.range(0, names.size())
              .mapToObj(i -> "'c" + i + "'")
              .collect(Collectors.joining(", ", "[", "]"));
      boolean loaded = false;
      if (knownTypes != null && knownTypes.size() == names.size()) {
        // The types DuckDB's detection would find (CsvScan): load with them, skipping its
        // single-threaded detection pass over the whole file.
        String columns =
            java.util.stream.IntStream.range(0, names.size())
                .mapToObj(i -> "'c" + i + "': '" + knownTypes.get(i) + "'")
                .collect(Collectors.joining(", ", "{", "}"));
        try {
          DuckDb.execute(
              c,
              "CREATE TABLE t AS SELECT * FROM read_csv("
                  + DuckDb.literal(csv)
                  + ", header = true, auto_detect = false, "
                  + CSV_OPTIONS
                  + ", columns = "
                  + columns
                  + ")");
          loaded = true;
        } catch (SQLException e) {
          DuckDb.execute(c, "DROP TABLE IF EXISTS t"); // detect the types as below
        }
      }
      try {
        if (!loaded) {
          DuckDb.execute(
              c,
              "CREATE TABLE t AS SELECT * FROM read_csv("
                  + DuckDb.literal(csv)
                  + ", header = true, auto_detect = true, sample_size = -1, "
                  + CSV_OPTIONS
                  + ", auto_type_candidates = ['BIGINT', 'DOUBLE', 'VARCHAR']"
                  + ", names = "
                  + internalNames
                  + ")");
        }
      } catch (SQLException e) {
        throw unreadable(e);
      }
      // With preserve_insertion_order, rowid is the position of the row in the file. Setting one
      // new column is much cheaper than copying the table into a new one with row_id first.
      DuckDb.execute(c, "ALTER TABLE t ADD COLUMN row_id BIGINT");
      DuckDb.execute(c, "UPDATE t SET row_id = rowid");
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("DESCRIBE t")) {
        while (rs.next()) {
          if (!rs.getString("column_name").equals(ROW_ID)) {
            types.add(rs.getString("column_type"));
          }
        }
      }
      if (types.size() == names.size()) {
        checkCellSizes();
        normalizeTarget(names.indexOf(config.target()));
      }
      for (int i = 0; i < types.size(); i++) {
        String col = "c" + i;
        if (types.get(i).equals("VARCHAR")
            && DuckDb.queryLong(
                    c,
                    "SELECT CASE WHEN count("
                        + col
                        + ") > 0 AND bool_and(lower("
                        + col
                        + ") IN ('true', 'false')) THEN 1 ELSE 0 END FROM t")
                == 1) {
          DuckDb.execute(
              c,
              "ALTER TABLE t ALTER COLUMN "
                  + col
                  + " TYPE BOOLEAN USING (lower("
                  + col
                  + ") = 'true')");
          types.set(i, "BOOLEAN");
        }
      }
      if (types.size() != names.size()) {
        throw new DatasetValidationException(
            null,
            "the file is not a readable CSV: the header has "
                + names.size()
                + " columns but DuckDB read "
                + types.size());
      }
    }

    private Set<String> checkExcluded() throws DatasetValidationException {
      Set<String> excluded = new HashSet<>();
      for (String e : config.exclude()) {
        if (e == null || !names.contains(e)) {
          throw new DatasetValidationException(
              e,
              "is listed in exclude but is not in the file; its columns are " + names,
              "column '"
                  + e
                  + "' is listed in exclude but is not in the file; its columns are "
                  + names,
              null);
        }
        if (e.equals(config.target())) {
          throw new DatasetValidationException(e, "is the target and cannot also be excluded");
        }
        excluded.add(e);
      }
      if (names.contains(LABEL_SOURCE) && !LABEL_SOURCE.equals(config.target())) {
        excluded.add(LABEL_SOURCE); // where each row's label came from: never a feature
      }
      return excluded;
    }

    /**
     * How feature column i is written: integers as BIGINT, other numbers as DOUBLE, a column whose
     * every cell is empty as DOUBLE (a number column of missing values), booleans and text as read.
     */
    private Output featureOutput(int i) throws SQLException {
      String type = types.get(i);
      if (DuckDb.isBigintCompatible(type)) {
        return Output.BIGINT;
      }
      if (DuckDb.isNumeric(type)) {
        return Output.DOUBLE;
      }
      if (DuckDb.queryLong(c, "SELECT count(c" + i + ") FROM t") == 0) {
        return Output.DOUBLE;
      }
      return Output.AS_IS;
    }

    /** The group column's index, or -1 without one; a validation error when it is unknown. */
    private int checkGroup() throws DatasetValidationException {
      if (config.groupBy() == null) {
        return -1;
      }
      int i = names.indexOf(config.groupBy());
      if (i < 0) {
        throw new DatasetValidationException(
            config.groupBy(),
            "is the group column (groupBy) but is not in the file; its columns are " + names,
            "column '"
                + config.groupBy()
                + "' is the group column (groupBy) but is not in the file; its columns are "
                + names,
            null);
      }
      return i;
    }

    private boolean isTextFeature(int i) {
      return featureColumn.get(i) && types.get(i).equals("VARCHAR");
    }

    private boolean isNumericFeature(int i) {
      return featureColumn.get(i) && outputs.get(i) != Output.AS_IS;
    }

    /** Trims and folds the case of text features, per the cleaning settings. */
    private void normalizeText() throws SQLException {
      Cleaning cleaning = config.cleaning();
      for (int i = 0; i < names.size(); i++) {
        if (!isTextFeature(i)) {
          continue;
        }
        String col = "c" + i;
        if (cleaning.trim()) {
          long changed =
              update(
                  "UPDATE t SET "
                      + col
                      + " = nullif(trim("
                      + col
                      + "), '') WHERE "
                      + col
                      + " IS DISTINCT FROM nullif(trim("
                      + col
                      + "), '')");
          steps.add(new CleaningStep(CleaningStep.TRIM, names.get(i), null, null, changed));
        }
        if (cleaning.foldCase()) {
          long changed =
              update(
                  "UPDATE t SET "
                      + col
                      + " = lower("
                      + col
                      + ") WHERE "
                      + col
                      + " <> lower("
                      + col
                      + ")");
          steps.add(new CleaningStep(CleaningStep.FOLD_CASE, names.get(i), null, null, changed));
        }
      }
    }

    /** Drops the rows missing a feature whose strategy is drop. */
    private void dropMissing() throws SQLException {
      Cleaning cleaning = config.cleaning();
      for (int i = 0; i < names.size(); i++) {
        boolean drop =
            (isNumericFeature(i) && cleaning.numeric().equals(Cleaning.DROP))
                || (isTextFeature(i) && cleaning.categorical().equals(Cleaning.DROP));
        if (drop) {
          long dropped = update("DELETE FROM t WHERE c" + i + " IS NULL");
          steps.add(new CleaningStep(CleaningStep.DROP_MISSING, names.get(i), null, null, dropped));
        }
      }
    }

    /**
     * Fills missing feature values with a statistic of the train split (or a constant), in every
     * split; an integer column filled with a fraction becomes a number column.
     */
    private void fillMissing(List<Column> schema) throws SQLException {
      Cleaning cleaning = config.cleaning();
      for (int i = 0; i < names.size(); i++) {
        String strategy;
        if (isNumericFeature(i)) {
          strategy = cleaning.numeric();
        } else if (isTextFeature(i)) {
          strategy = cleaning.categoricalConstant() ? Cleaning.CONSTANT : cleaning.categorical();
        } else {
          continue;
        }
        if (strategy.equals(Cleaning.KEEP) || strategy.equals(Cleaning.DROP)) {
          continue;
        }
        String col = "c" + i;
        if (DuckDb.queryLong(c, "SELECT count(*) FROM t WHERE " + col + " IS NULL") == 0) {
          continue;
        }
        boolean text = isTextFeature(i);
        String train = "SELECT " + col + " AS v FROM t JOIN assign USING (row_id) WHERE split = 0";
        String finite = text ? " AND v IS NOT NULL" : " AND isfinite(CAST(v AS DOUBLE))";
        Object value;
        switch (strategy) {
          case Cleaning.MEDIAN ->
              value =
                  queryObject(
                      "SELECT median(CAST(v AS DOUBLE)) FROM (" + train + ") WHERE true" + finite);
          case Cleaning.MEAN ->
              value =
                  queryObject(
                      "SELECT avg(CAST(v AS DOUBLE)) FROM (" + train + ") WHERE true" + finite);
          case Cleaning.MODE ->
              value =
                  queryObject(
                      "SELECT v FROM ("
                          + train
                          + ") WHERE true"
                          + finite
                          + " GROUP BY v ORDER BY count(*) DESC, v LIMIT 1");
          case Cleaning.ZERO -> value = 0.0;
          case Cleaning.CONSTANT -> value = text ? cleaning.categorical() : cleaning.numericValue();
          default -> throw new IllegalStateException("unknown strategy " + strategy);
        }
        if (value == null) {
          continue; // no value in the train split: left missing
        }
        String literal;
        if (text) {
          literal = DuckDb.literal(value.toString());
        } else {
          double d = ((Number) value).doubleValue();
          boolean integral = d == Math.rint(d) && Math.abs(d) < 0x1p53;
          if (outputs.get(i) == Output.BIGINT && integral) {
            value = (long) d;
            literal = "CAST(" + (long) d + " AS BIGINT)";
          } else {
            if (outputs.get(i) == Output.BIGINT) { // a fraction in an integer column
              outputs.set(i, Output.DOUBLE);
              schema.set(i, new Column(names.get(i), Column.NUMBER));
            }
            if (!types.get(i).equals("DOUBLE")) {
              DuckDb.execute(c, "ALTER TABLE t ALTER COLUMN " + col + " TYPE DOUBLE");
              types.set(i, "DOUBLE");
            }
            value = d;
            literal = "CAST('" + d + "' AS DOUBLE)";
          }
        }
        long filled =
            update("UPDATE t SET " + col + " = " + literal + " WHERE " + col + " IS NULL");
        steps.add(new CleaningStep(CleaningStep.FILL, names.get(i), strategy, value, filled));
      }
    }

    private long update(String sql) throws SQLException {
      try (Statement s = c.createStatement()) {
        return s.executeUpdate(sql);
      }
    }

    private Object queryObject(String sql) throws SQLException {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        return rs.next() ? rs.getObject(1) : null;
      }
    }

    /** Rejects a text cell longer than {@link #MAX_CELL_BYTES} (the first such, by column). */
    private void checkCellSizes() throws DatasetValidationException, SQLException {
      List<Integer> text = new ArrayList<>();
      for (int i = 0; i < types.size(); i++) {
        if (types.get(i).equals("VARCHAR")) {
          text.add(i);
        }
      }
      if (text.isEmpty()) {
        return;
      }
      String sql =
          text.stream()
              .map(i -> "coalesce(max(strlen(c" + i + ")), 0)")
              .collect(Collectors.joining(", ", "SELECT ", " FROM t"));
      int offending = -1;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        for (int k = 0; k < text.size() && offending < 0; k++) {
          if (rs.getLong(k + 1) > MAX_CELL_BYTES) {
            offending = text.get(k);
          }
        }
      }
      if (offending < 0) {
        return;
      }
      String col = "c" + offending;
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT row_id, strlen("
                      + col
                      + ") FROM t WHERE strlen("
                      + col
                      + ") > "
                      + MAX_CELL_BYTES
                      + " ORDER BY row_id LIMIT 1")) {
        rs.next();
        throw new DatasetValidationException(
            names.get(offending),
            "has a value of "
                + rs.getLong(2)
                + " bytes in row "
                + (rs.getLong(1) + 1)
                + "; at most "
                + MAX_CELL_BYTES
                + " are accepted");
      }
    }

    /**
     * Makes blank (whitespace-only) cells of a text target NULL, so they count as unlabeled, and
     * then types the target by its other values like the CSV reader would have (BIGINT, else
     * DOUBLE), so a blank cell does not change the labeled rows' values.
     */
    private void normalizeTarget(int target) throws SQLException {
      if (target < 0 || !types.get(target).equals("VARCHAR")) {
        return;
      }
      String col = "c" + target;
      long blank;
      try (Statement s = c.createStatement()) {
        blank = s.executeUpdate("UPDATE t SET " + col + " = NULL WHERE trim(" + col + ") = ''");
      }
      if (blank == 0 || DuckDb.queryLong(c, "SELECT count(" + col + ") FROM t") == 0) {
        return;
      }
      String type = null;
      if (DuckDb.queryLong(
              c,
              "SELECT count(*) FROM t WHERE "
                  + col
                  + " IS NOT NULL AND NOT (regexp_full_match("
                  + col
                  + ", '\\s*[+-]?[0-9]+\\s*') AND TRY_CAST("
                  + col
                  + " AS BIGINT) IS NOT NULL)")
          == 0) {
        type = "BIGINT";
      } else if (DuckDb.queryLong(
              c,
              "SELECT count(*) FROM t WHERE "
                  + col
                  + " IS NOT NULL AND TRY_CAST("
                  + col
                  + " AS DOUBLE) IS NULL")
          == 0) {
        type = "DOUBLE";
      }
      if (type != null) {
        DuckDb.execute(c, "ALTER TABLE t ALTER COLUMN " + col + " TYPE " + type);
        types.set(target, type);
      }
    }

    /** Rejects a file in which no row has a target value (NULL means unlabeled). */
    private void checkTargetHasValues() throws DatasetValidationException, SQLException {
      if (DuckDb.queryLong(c, "SELECT count(c" + targetIndex + ") FROM t") == 0) {
        String reason =
            "has no value in any row; at least one row needs a label (rows without one go to the "
                + UNLABELED
                + " split)";
        throw new DatasetValidationException(
            config.target(),
            reason,
            "column '" + config.target() + "' (the target) " + reason,
            null);
      }
    }

    /** Drops exact duplicates, keeping the lowest row_id; returns how many were dropped. */
    private long dedupe() throws SQLException {
      String all =
          java.util.stream.IntStream.range(0, names.size())
              .mapToObj(i -> "c" + i)
              .collect(Collectors.joining(", "));
      try (Statement s = c.createStatement()) {
        // A hash aggregate of the rows (NULLs equal), cheaper than a window partitioned by them.
        return s.executeUpdate(
            "DELETE FROM t WHERE row_id IN (SELECT row_id FROM t EXCEPT SELECT min(row_id) FROM t"
                + " GROUP BY "
                + all
                + ")");
      }
    }

    /**
     * Drops exact duplicates like {@link #dedupe} (the same rows), found through the rows' split
     * keys: equal rows have equal canonical text and so equal keys, so only the rows sharing a key
     * are compared column by column. Keeps every remaining row's key in table k(row_id, label, key)
     * for {@link #assign}. Returns how many rows were dropped.
     */
    private long dedupeByKey() throws SQLException {
      String all =
          java.util.stream.IntStream.range(0, names.size())
              .mapToObj(i -> "c" + i)
              .collect(Collectors.joining(", "));
      DuckDb.execute(
          c,
          "CREATE TABLE k AS SELECT row_id, c"
              + targetIndex
              + " AS label, "
              + String.format(keyOf(), rowText())
              + " AS key FROM t");
      DuckDb.execute(
          c,
          "CREATE TEMP TABLE candidates AS SELECT row_id FROM k WHERE key IN (SELECT key FROM k"
              + " GROUP BY key HAVING count(*) > 1)");
      DuckDb.execute(
          c,
          "CREATE TEMP TABLE dropped AS SELECT row_id FROM t WHERE row_id IN (SELECT row_id FROM"
              + " candidates) EXCEPT SELECT min(row_id) FROM t WHERE row_id IN (SELECT row_id FROM"
              + " candidates) GROUP BY "
              + all);
      long dropped = update("DELETE FROM t WHERE row_id IN (SELECT row_id FROM dropped)");
      update("DELETE FROM k WHERE row_id IN (SELECT row_id FROM dropped)");
      keysComputed = true;
      return dropped;
    }

    /** The SQL text of a row's canonical text (see the class comment). */
    private String rowText() {
      // concat_ws, not ||: a chain of 1000 || is deeper than DuckDB's expression limit.
      StringBuilder row = new StringBuilder("concat_ws(chr(31)");
      for (int i = 0; i < names.size(); i++) {
        row.append(", ").append(canonical(i));
      }
      return row.append(")").toString();
    }

    /**
     * The SQL of the key of a canonical text ({@code %s}): the first 8 bytes of the SHA-256 as 16
     * lowercase hex digits, whose text order is the unsigned order of the 64-bit number.
     */
    private String keyOf() {
      String seed = DuckDb.literal(config.seed() + SEPARATOR);
      return "substr(sha256(" + seed + " || %s), 1, 16)";
    }

    private record Assignment(long[] counts, Set<String> labels) {}

    /**
     * The SQL text of column i's value in a row's canonical text (see the class comment); never
     * NULL.
     */
    private String canonical(int i) {
      String col = "c" + i;
      String type = types.get(i);
      String text;
      if (DuckDb.isReal(type)) {
        String d = "CAST(" + col + " AS DOUBLE)";
        text =
            "CASE WHEN isnan("
                + d
                + ") THEN 'NaN' WHEN isinf("
                + d
                + ") THEN CASE WHEN "
                + d
                + " > 0 THEN 'Infinity' ELSE '-Infinity' END WHEN "
                + d
                + " = trunc("
                + d
                + ") AND abs("
                + d
                + ") < 9007199254740992 THEN CAST(CAST("
                + d
                + " AS BIGINT) AS VARCHAR) ELSE CAST("
                + d
                + " AS VARCHAR) END";
      } else {
        text = "CAST(" + col + " AS VARCHAR)";
      }
      return "coalesce(" + text + ", chr(0))";
    }

    /**
     * Computes every row's split in DuckDB and stores it in table assign(row_id, split); nothing
     * per row is held in the Java heap.
     */
    private Assignment assign() throws DatasetValidationException, SQLException {
      String target = "c" + targetIndex;
      String row = rowText();
      String keyOf = keyOf();
      SplitRatios ratios = config.ratios();
      String trainN = "CAST(least(n, floor(n * " + ratios.train() + " + 0.5)) AS BIGINT)";
      String validationN;
      if (ratios.validation() == 0) {
        validationN = "0";
      } else if (ratios.test() == 0) {
        validationN = "(n - " + trainN + ")";
      } else {
        validationN =
            "CAST(least(n - "
                + trainN
                + ", floor(n * "
                + ratios.validation()
                + " + 0.5)) AS BIGINT)";
      }
      String partition = config.stratify() && groupIndex < 0 ? "PARTITION BY label" : "";
      String ranked;
      if (groupIndex < 0) {
        // pos: the rows of the partition before this one in (key, row_id) order.
        // the rows' keys: computed with the duplicates (dedupeByKey), or here
        String keyed =
            keysComputed
                ? "SELECT row_id, label, key FROM k WHERE label IS NOT NULL"
                : "SELECT row_id, "
                    + target
                    + " AS label, "
                    + String.format(keyOf, row)
                    + " AS key FROM t WHERE "
                    + target
                    + " IS NOT NULL";
        ranked =
            "SELECT row_id, label, row_number() OVER ("
                + partition
                + " ORDER BY key, row_id) - 1 AS pos, count(*) OVER ("
                + partition
                + ") AS n FROM ("
                + keyed
                + ")";
      } else {
        // A group's rows go together: pos is the rows of the groups before it in (key, group)
        // order; a row without a group id is a group of its own.
        String group =
            "CASE WHEN c"
                + groupIndex
                + " IS NULL THEN 'r' || row_id ELSE 'g' || "
                + canonical(groupIndex)
                + " END";
        ranked =
            "SELECT l.row_id, l.label, g.pos, g.n FROM (SELECT row_id, "
                + target
                + " AS label, "
                + group
                + " AS grp FROM t WHERE "
                + target
                + " IS NOT NULL) l JOIN (SELECT grp, sum(size) OVER (ORDER BY key, grp ROWS BETWEEN"
                + " UNBOUNDED PRECEDING AND CURRENT ROW) - size AS pos, sum(size) OVER () AS n FROM"
                + " (SELECT grp, count(*) AS size, "
                + String.format(keyOf, "grp")
                + " AS key FROM (SELECT "
                + group
                + " AS grp FROM t WHERE "
                + target
                + " IS NOT NULL) GROUP BY grp)) g USING (grp)";
      }
      DuckDb.execute(
          c,
          "CREATE TABLE assign AS SELECT row_id, CAST(CASE WHEN pos < "
              + trainN
              + " THEN 0 WHEN pos < "
              + trainN
              + " + "
              + validationN
              + " THEN 1 ELSE 2 END AS TINYINT) AS split FROM ("
              + ranked
              + ") UNION ALL SELECT row_id, CAST("
              + UNLABELED_SPLIT
              + " AS TINYINT) FROM t WHERE "
              + target
              + " IS NULL ORDER BY row_id");
      long[] counts = new long[4];
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT split, count(*) FROM assign GROUP BY split")) {
        while (rs.next()) {
          counts[rs.getInt(1)] = rs.getLong(2);
        }
      }
      Set<String> values = new HashSet<>();
      String labelSql =
          "SELECT DISTINCT "
              + (DuckDb.isCanonicalReadable(types.get(targetIndex))
                  ? target
                  : "CAST(" + target + " AS VARCHAR)")
              + " FROM t WHERE "
              + target
              + " IS NOT NULL";
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(labelSql)) {
        while (rs.next()) {
          Object v = rs.getObject(1);
          values.add(
              v instanceof Double d && !Double.isFinite(d)
                  ? d.toString()
                  : DatasetLabels.canonical(v));
        }
      }
      long labeled = counts[0] + counts[1] + counts[2];
      double[] ratio = {ratios.train(), ratios.validation(), ratios.test()};
      for (int sp = 0; sp < 3; sp++) {
        if (ratio[sp] > 0 && counts[sp] == 0) {
          throw new DatasetValidationException(
              null,
              "too few rows: the "
                  + SPLIT_NAMES.get(sp)
                  + " split (ratio "
                  + ratio[sp]
                  + ") would be empty; there are "
                  + labeled
                  + (counts[UNLABELED_SPLIT] > 0 ? " labeled rows" : " rows")
                  + (config.dedupe() ? " after dropping duplicates" : "")
                  + (groupIndex >= 0
                      ? ", kept together in groups of '" + config.groupBy() + "'"
                      : config.stratify()
                          ? ", split separately for each of the "
                              + values.size()
                              + " values of the target (stratify)"
                          : "")
                  + ".");
        }
      }
      return new Assignment(counts, values);
    }

    private SplitFile write(Connection w, int sp, long rows) throws SQLException {
      String name = sp == UNLABELED_SPLIT ? UNLABELED : SPLIT_NAMES.get(sp);
      Path file = outDir.resolve(name + ".parquet");
      Path tmp = outDir.resolve("." + name + ".parquet.tmp");
      StringBuilder select = new StringBuilder("SELECT t.row_id");
      for (int i = 0; i < names.size(); i++) {
        String col = "t.c" + i;
        String expr =
            switch (outputs.get(i)) {
              case BIGINT -> "CAST(" + col + " AS BIGINT)";
              case DOUBLE -> "CAST(" + col + " AS DOUBLE)";
              case AS_IS -> col;
            };
        select.append(", ").append(expr).append(" AS ").append(DuckDb.ident(names.get(i)));
      }
      if (aligned) {
        select.append(" FROM t POSITIONAL JOIN assign a WHERE a.split = ").append(sp);
      } else {
        select
            .append(" FROM t JOIN assign a ON t.row_id = a.row_id WHERE a.split = ")
            .append(sp)
            .append(" ORDER BY t.row_id");
      }
      try {
        Files.deleteIfExists(tmp);
        DuckDb.execute(w, "COPY (" + select + ") TO " + DuckDb.literal(tmp) + " (FORMAT parquet)");
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return new SplitFile(name, file, rows);
    }

    private DatasetValidationException unreadable(SQLException e) {
      return new DatasetValidationException(
          null,
          "the file is not a readable CSV (comma-separated, a header row, the same number of"
              + " fields on every row): "
              + DuckDb.shortMessage(e),
          "the file is not a readable CSV (comma-separated, a header row, the same number of"
              + " fields on every row): "
              + DuckDb.shortMessage(e),
          e);
    }
  }

  /**
   * Streams the file through a strict UTF-8 decoder (malformed and unmappable input reported), so
   * DuckDB only ever sees valid UTF-8 text.
   */
  private static void checkUtf8(Path csv) throws DatasetValidationException, IOException {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.allocate(1 << 16);
    CharBuffer out = CharBuffer.allocate(1 << 16);
    long consumed = 0; // file offset of in's index 0
    try (FileChannel channel = FileChannel.open(csv, StandardOpenOption.READ)) {
      while (true) {
        boolean eof = channel.read(in) < 0;
        in.flip();
        while (true) {
          CoderResult result = decoder.decode(in, out, eof);
          out.clear();
          if (result.isError()) {
            throw new DatasetValidationException(
                null,
                "the file is not valid UTF-8 text (first bad byte at offset "
                    + (consumed + in.position())
                    + ")");
          }
          if (result.isUnderflow()) {
            break;
          }
        }
        if (eof) {
          return;
        }
        consumed += in.position();
        in.compact();
      }
    }
  }

  private static void checkColumnCount(long columns) throws DatasetValidationException {
    if (columns > MAX_COLUMNS) {
      throw new DatasetValidationException(
          null, "the file has " + columns + " columns; at most " + MAX_COLUMNS + " are accepted");
    }
  }

  /**
   * The fields of the header record, counted cheaply in Java (commas outside double quotes, up to
   * the first line break outside quotes), so a very wide file is rejected before DuckDB sniffs it.
   */
  private static long headerFields(Path csv) throws IOException {
    try (java.io.Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
      long fields = 1;
      boolean quoted = false;
      for (int ch = reader.read(); ch >= 0; ch = reader.read()) {
        if (ch == '"') {
          quoted = !quoted; // an escaped quote ("") toggles twice
        } else if (!quoted && ch == ',') {
          fields++;
        } else if (!quoted && (ch == '\n' || ch == '\r')) {
          break;
        }
      }
      return fields;
    }
  }
}
