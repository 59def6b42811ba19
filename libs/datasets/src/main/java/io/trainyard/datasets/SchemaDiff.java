package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.trainyard.datasets.DatasetProfile.ColumnProfile;
import io.trainyard.datasets.DatasetProfile.Histogram;
import io.trainyard.stats.Psi;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the schema and the column profiles of one dataset version ({@code to}) differ from another's
 * ({@code from}, usually the pipeline's previous version), computed from their whole-version {@link
 * DatasetProfile}s.
 *
 * <p><b>Changes</b>, in {@code to}'s column order, then the removed columns in {@code from}'s:
 *
 * <ul>
 *   <li>{@value #ADDED_COLUMN}: a column {@code to} has and {@code from} had not; not breaking.
 *   <li>{@value #REMOVED_COLUMN}: a column {@code from} had and {@code to} has not;
 *       <b>breaking</b>.
 *   <li>{@value #TYPE_CHANGE}: the logical type ({@code integer}, {@code number}, {@code string},
 *       {@code boolean}) or the inferred kind ({@link DatasetProfile#kindOf}) changed. It is
 *       <b>breaking</b> when the logical type changed, except between {@code integer} and {@code
 *       number}: {@code integer} to {@code number} is a widening (every integer is a number), and
 *       {@code number} to {@code integer} keeps every value a number too (the same data sent as
 *       JSON, {@code 1.0}, and as CSV, {@code 1}, or a batch that happens to hold whole numbers
 *       only); both are numeric, and every consumer reads them as doubles. A change of kind alone
 *       (a {@code string} column that was categorical and is now text, or the reverse: its number
 *       of distinct values crossed the categorical rule's limits) is not breaking either.
 *   <li>{@value #NEW_CATEGORIES}: a column categorical in both versions has values {@code from} did
 *       not have; not breaking. The values are listed, at most {@value #MAX_LISTED_CATEGORIES}
 *       (sorted), with their number. Needs the categories of both versions ({@link
 *       ColumnProfile#knownCategories()}: profiles of format 1 have them only for columns with at
 *       most 10 values).
 * </ul>
 *
 * {@link #breaking()} is true when any change is breaking (a removed column, a change of logical
 * type other than between {@code integer} and {@code number}). The ingestion service rejects such a
 * version unless the spec sets {@code ingestion.allowBreakingChanges}.
 *
 * <p><b>Deltas</b> ({@link #columns()}), for every column both versions have, by name in {@code
 * to}'s order: the missing share (missing / rows), {@code mean} and {@code std} (numeric columns),
 * {@code distinct}, each as {@code {from, to, change}} ({@code change = to - from}; a statistic
 * null in either version is left out), and {@code psi}, the population stability index of the
 * numeric histograms ({@link Psi}: floored proportions, {@code sum (r - c) ln(r / c)}, {@code from}
 * as the reference), only when both histograms have exactly the same edges (otherwise their bins
 * cannot be compared and psi is left out).
 *
 * @param from the version compared against; null when not known
 * @param to the version compared; null when not yet allocated (an upload being validated)
 * @param changes the schema changes
 * @param breaking whether a change is breaking
 * @param columns per common column, its profile deltas
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"from", "to", "changes", "breaking", "columns"})
public record SchemaDiff(
    Integer from,
    Integer to,
    List<Change> changes,
    boolean breaking,
    Map<String, ColumnDelta> columns) {

  public static final String ADDED_COLUMN = "added_column";
  public static final String REMOVED_COLUMN = "removed_column";
  public static final String TYPE_CHANGE = "type_change";
  public static final String NEW_CATEGORIES = "new_categories";

  /** New categories listed in a {@value #NEW_CATEGORIES} change; the rest are only counted. */
  public static final int MAX_LISTED_CATEGORIES = 20;

  public SchemaDiff {
    changes = changes == null ? List.of() : List.copyOf(changes);
    columns =
        columns == null
            ? Map.of()
            : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(columns));
  }

  /** This diff between the given version numbers. */
  public SchemaDiff between(Integer fromVersion, Integer toVersion) {
    return new SchemaDiff(fromVersion, toVersion, changes, breaking, columns);
  }

  /** The changes of one {@link Change#code() code}. */
  public List<Change> changes(String code) {
    return changes.stream().filter(c -> c.code().equals(code)).toList();
  }

  /**
   * Compares the whole-version profiles of two versions ({@link #from()} and {@link #to()} are
   * null: set them with {@link #between}).
   *
   * @param from the earlier (reference) version's profile
   * @param to the version compared with it
   */
  public static SchemaDiff compare(DatasetProfile from, DatasetProfile to) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    List<Change> changes = new ArrayList<>();
    Map<String, ColumnDelta> deltas = new LinkedHashMap<>();
    for (ColumnProfile now : to.columns()) {
      ColumnProfile before = from.column(now.name());
      if (before == null) {
        changes.add(
            new Change(
                ADDED_COLUMN,
                now.name(),
                false,
                "column '"
                    + now.name()
                    + "' was added ("
                    + now.type()
                    + ", "
                    + now.kindOrInferred()
                    + ")",
                null,
                now.type(),
                null,
                now.kindOrInferred(),
                null,
                null));
        continue;
      }
      typeChange(before, now).ifPresent(changes::add);
      newCategories(before, now).ifPresent(changes::add);
      deltas.put(now.name(), delta(from.rows(), before, to.rows(), now));
    }
    for (ColumnProfile before : from.columns()) {
      if (to.column(before.name()) == null) {
        changes.add(
            new Change(
                REMOVED_COLUMN,
                before.name(),
                true,
                "column '"
                    + before.name()
                    + "' ("
                    + before.type()
                    + ", "
                    + before.kindOrInferred()
                    + ") was removed",
                before.type(),
                null,
                before.kindOrInferred(),
                null,
                null,
                null));
      }
    }
    boolean breaking = changes.stream().anyMatch(Change::breaking);
    return new SchemaDiff(null, null, changes, breaking, deltas);
  }

  /** Whether a change of logical type from {@code before} to {@code now} is a widening. */
  public static boolean isWidening(String before, String now) {
    return Column.INTEGER.equals(before) && Column.NUMBER.equals(now);
  }

  /**
   * Whether a change of logical type from {@code before} to {@code now} is not breaking: between
   * {@code integer} and {@code number}, either way.
   */
  public static boolean isCompatible(String before, String now) {
    return isWidening(before, now) || isWidening(now, before);
  }

  private static java.util.Optional<Change> typeChange(ColumnProfile before, ColumnProfile now) {
    String kindBefore = before.kindOrInferred();
    String kindNow = now.kindOrInferred();
    boolean typeChanged = !Objects.equals(before.type(), now.type());
    if (!typeChanged && Objects.equals(kindBefore, kindNow)) {
      return java.util.Optional.empty();
    }
    boolean breaking = typeChanged && !isCompatible(before.type(), now.type());
    String what =
        typeChanged
            ? "changed type from "
                + before.type()
                + " ("
                + kindBefore
                + ") to "
                + now.type()
                + " ("
                + kindNow
                + ")"
                + (breaking
                    ? ""
                    : isWidening(before.type(), now.type())
                        ? ", a widening"
                        : ", every value still a number")
            : "changed kind from "
                + kindBefore
                + " to "
                + kindNow
                + " ("
                + now.distinct()
                + " distinct of "
                + now.count()
                + " values; type "
                + now.type()
                + " unchanged)";
    return java.util.Optional.of(
        new Change(
            TYPE_CHANGE,
            now.name(),
            breaking,
            "column '" + now.name() + "' " + what,
            before.type(),
            now.type(),
            kindBefore,
            kindNow,
            null,
            null));
  }

  private static java.util.Optional<Change> newCategories(ColumnProfile before, ColumnProfile now) {
    if (!DatasetProfile.CATEGORICAL.equals(before.kindOrInferred())
        || !DatasetProfile.CATEGORICAL.equals(now.kindOrInferred())) {
      return java.util.Optional.empty();
    }
    List<String> known = before.knownCategories();
    List<String> current = now.knownCategories();
    if (known == null || current == null) {
      return java.util.Optional.empty();
    }
    Set<String> old = new java.util.HashSet<>(known);
    List<String> added = current.stream().filter(v -> !old.contains(v)).sorted().toList();
    if (added.isEmpty()) {
      return java.util.Optional.empty();
    }
    List<String> listed = added.subList(0, Math.min(added.size(), MAX_LISTED_CATEGORIES));
    Set<String> quoted = new LinkedHashSet<>();
    listed.forEach(v -> quoted.add("'" + v + "'"));
    return java.util.Optional.of(
        new Change(
            NEW_CATEGORIES,
            now.name(),
            false,
            "column '"
                + now.name()
                + "' has "
                + added.size()
                + " new "
                + (added.size() == 1 ? "category" : "categories")
                + ": "
                + String.join(", ", quoted)
                + (added.size() > listed.size()
                    ? " and " + (added.size() - listed.size()) + " more"
                    : ""),
            null,
            null,
            null,
            null,
            listed,
            added.size()));
  }

  private static ColumnDelta delta(
      long fromRows, ColumnProfile before, long toRows, ColumnProfile now) {
    return new ColumnDelta(
        Delta.of(share(before.missing(), fromRows), share(now.missing(), toRows)),
        Delta.of(before.mean(), now.mean()),
        Delta.of(before.std(), now.std()),
        Delta.of((double) before.distinct(), (double) now.distinct()),
        psi(before.histogram(), now.histogram()));
  }

  private static Double share(long part, long rows) {
    return rows == 0 ? null : (double) part / rows;
  }

  /** PSI of two histograms with the same edges (from as the reference); null otherwise. */
  static Double psi(Histogram before, Histogram now) {
    if (before == null || now == null || !before.edges().equals(now.edges())) {
      return null;
    }
    long[] reference = before.counts().stream().mapToLong(Long::longValue).toArray();
    long[] current = now.counts().stream().mapToLong(Long::longValue).toArray();
    if (java.util.Arrays.stream(reference).sum() == 0
        || java.util.Arrays.stream(current).sum() == 0) {
      return null;
    }
    return Psi.psi(Psi.proportions(reference), Psi.proportions(current));
  }

  /**
   * One schema change.
   *
   * @param code {@value #ADDED_COLUMN}, {@value #REMOVED_COLUMN}, {@value #TYPE_CHANGE} or {@value
   *     #NEW_CATEGORIES}
   * @param column the column
   * @param breaking whether it breaks consumers of the earlier version
   * @param message what changed, for a human
   * @param fromType the earlier logical type (null for an added column, and for new categories)
   * @param toType the new logical type (null for a removed column, and for new categories)
   * @param fromKind the earlier kind (as {@code fromType})
   * @param toKind the new kind (as {@code toType})
   * @param categories the new categories, sorted, at most {@value #MAX_LISTED_CATEGORIES}
   * @param newCategories how many new categories there are
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({
    "code",
    "column",
    "breaking",
    "message",
    "fromType",
    "toType",
    "fromKind",
    "toKind",
    "categories",
    "newCategories"
  })
  public record Change(
      String code,
      String column,
      boolean breaking,
      String message,
      String fromType,
      String toType,
      String fromKind,
      String toKind,
      List<String> categories,
      Integer newCategories) {
    public Change {
      Objects.requireNonNull(code, "code");
      categories = categories == null ? null : List.copyOf(categories);
    }
  }

  /**
   * How the profile of a column both versions have moved.
   *
   * @param missingShare missing values over rows
   * @param mean the mean (numeric columns)
   * @param std the sample standard deviation (numeric columns)
   * @param distinct distinct values
   * @param psi the PSI of the histograms, when they have the same edges
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonIgnoreProperties(ignoreUnknown = true)
  @JsonPropertyOrder({"missingShare", "mean", "std", "distinct", "psi"})
  public record ColumnDelta(
      Delta missingShare, Delta mean, Delta std, Delta distinct, Double psi) {}

  /**
   * A statistic in both versions.
   *
   * @param from in the earlier version
   * @param to in the version compared
   * @param change {@code to - from}
   */
  @JsonPropertyOrder({"from", "to", "change"})
  public record Delta(double from, double to, double change) {

    /** The delta, or null when either value is null. */
    static Delta of(Double from, Double to) {
      return from == null || to == null ? null : new Delta(from, to, to - from);
    }
  }
}
