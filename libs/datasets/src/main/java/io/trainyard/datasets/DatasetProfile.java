package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-column profile of a dataset version ({@code profile.json}), for the whole version and for
 * each split; written by {@link Profiler}, read back with {@link DatasetVersions#readProfile}.
 * Drift monitoring takes its reference from the train split's profile ({@link #split(String)}).
 *
 * <p>The definitions (see {@link Profiler} for the details): {@code count} non-missing values,
 * {@code missing} NULLs (and, in real columns, NaN and ±Infinity), {@code distinct} distinct
 * non-missing values; for numeric columns {@code min}, {@code max}, {@code mean}, the
 * <em>sample</em> standard deviation {@code std} (ddof = 1, like pandas' {@code describe}; null
 * below 2 values), quantiles with linear interpolation (numpy's default) and a 10-bin equal-width
 * histogram like {@code numpy.histogram(bins=10)}; for string, boolean and low-cardinality integer
 * columns the 10 most frequent values.
 *
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param rows the rows of the whole version (all splits)
 * @param columns one profile per column, in the file's column order ({@code row_id} not included)
 * @param splits the same per split, by split name in split order ({@code train}, {@code
 *     validation}, {@code test}, then {@code unlabeled} when the version has unlabeled rows)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DatasetProfile(
    int formatVersion, long rows, List<ColumnProfile> columns, Map<String, SplitProfile> splits) {

  /**
   * The current {@link #formatVersion()}: 2 adds the inferred schema of each whole-version column
   * ({@code kind}, {@code nullable}, {@code categories}); profiles of format 1 read fine, with
   * those members null ({@link ColumnProfile#kindOrInferred()} and {@link
   * ColumnProfile#knownCategories()} derive what they can).
   */
  public static final int FORMAT_VERSION = 2;

  /** {@link ColumnProfile#kind()} of {@code integer} and {@code number} columns. */
  public static final String NUMERIC = "numeric";

  /** {@link ColumnProfile#kind()} of text columns with few distinct values. */
  public static final String CATEGORICAL = "categorical";

  /** {@link ColumnProfile#kind()} of {@code boolean} columns. */
  public static final String BOOLEAN = "boolean";

  /** {@link ColumnProfile#kind()} of other text columns (free text, identifiers, dates). */
  public static final String TEXT = "text";

  /** A text column with more distinct values than this is {@link #TEXT}, not categorical. */
  public static final int MAX_CATEGORIES = 1000;

  /**
   * A text column whose distinct values exceed this share of its non-missing values is {@link
   * #TEXT}.
   */
  public static final double MAX_CATEGORICAL_SHARE = 0.5;

  /** The object name in a dataset version. */
  public static final String FILE_NAME = "profile.json";

  /** Its media type. */
  public static final String CONTENT_TYPE = "application/json";

  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
          .configure(SerializationFeature.INDENT_OUTPUT, true);

  public DatasetProfile {
    columns = columns == null ? List.of() : List.copyOf(columns);
    splits =
        splits == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(splits)); // keeps split order
  }

  /** The profile of one split, or null when there is no such split. */
  public SplitProfile split(String name) {
    return splits.get(name);
  }

  /** The whole version's profile of one column, or null. */
  public ColumnProfile column(String name) {
    return find(columns, name);
  }

  /** This profile as (pretty-printed, UTF-8) JSON; the same profile always gives the same bytes. */
  public byte[] toJson() {
    try {
      return MAPPER.writeValueAsBytes(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a dataset profile", e);
    }
  }

  /**
   * Parses {@code profile.json}.
   *
   * @throws IOException when it is not a profile
   */
  public static DatasetProfile fromJson(byte[] json) throws IOException {
    return MAPPER.readValue(json, DatasetProfile.class);
  }

  static ColumnProfile find(List<ColumnProfile> columns, String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
  }

  /**
   * The profile of one split.
   *
   * @param rows the rows of the split
   * @param columns one profile per column, in column order
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record SplitProfile(long rows, List<ColumnProfile> columns) {
    public SplitProfile {
      columns = columns == null ? List.of() : List.copyOf(columns);
    }

    /** The profile of one column, or null. */
    public ColumnProfile column(String name) {
      return find(columns, name);
    }
  }

  /**
   * The kind of a column of logical type {@code type} with {@code count} non-missing and {@code
   * distinct} distinct values: {@code integer} and {@code number} are {@value #NUMERIC}, {@code
   * boolean} is {@value #BOOLEAN}; a {@code string} column is {@value #CATEGORICAL} when it has at
   * least one value, at most {@value #MAX_CATEGORIES} distinct values and distinct &le; {@value
   * #MAX_CATEGORICAL_SHARE} &times; count, else {@value #TEXT}.
   */
  public static String kindOf(String type, long count, long distinct) {
    if (Column.INTEGER.equals(type) || Column.NUMBER.equals(type)) {
      return NUMERIC;
    }
    if (Column.BOOLEAN.equals(type)) {
      return BOOLEAN;
    }
    return count > 0 && distinct <= MAX_CATEGORIES && distinct <= MAX_CATEGORICAL_SHARE * count
        ? CATEGORICAL
        : TEXT;
  }

  /**
   * The profile of one column over a set of rows. Numeric statistics ({@code min} to {@code
   * histogram}) are null for string and boolean columns and when the column has no non-missing
   * value; {@code top} is null for columns it is not computed for. The inferred schema ({@code
   * kind}, {@code nullable}, {@code categories}) is filled for the whole version's columns only
   * (null in the per-split profiles, and in profiles of format 1).
   *
   * @param name the column name
   * @param type its logical type ({@link Column#INTEGER}, {@link Column#NUMBER}, {@link
   *     Column#STRING}, {@link Column#BOOLEAN})
   * @param count non-missing values ({@code count + missing} = the rows)
   * @param missing NULLs, plus NaN and ±Infinity in {@code number} columns
   * @param distinct distinct non-missing values
   * @param min the smallest value
   * @param max the largest value
   * @param mean the arithmetic mean
   * @param std the sample standard deviation (ddof = 1); null for fewer than 2 values
   * @param quantiles p1 ... p99, linear interpolation
   * @param histogram 10 equal-width bins from min to max (1 bin when min = max)
   * @param top the most frequent values, at most {@value Profiler#TOP_K}, most frequent first
   * @param kind {@value #NUMERIC}, {@value #CATEGORICAL}, {@value #BOOLEAN} or {@value #TEXT} (see
   *     {@link #kindOf})
   * @param nullable whether the column has a missing value ({@code missing > 0})
   * @param categories the distinct values of a {@value #CATEGORICAL} column as {@linkplain
   *     DatasetLabels#canonical canonical text}, sorted ascending (by UTF-16 code units); null for
   *     other kinds
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ColumnProfile(
      String name,
      String type,
      long count,
      long missing,
      long distinct,
      Double min,
      Double max,
      Double mean,
      Double std,
      Quantiles quantiles,
      Histogram histogram,
      List<TopValue> top,
      @JsonInclude(JsonInclude.Include.NON_NULL) String kind,
      @JsonInclude(JsonInclude.Include.NON_NULL) Boolean nullable,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> categories) {
    public ColumnProfile {
      top = top == null ? null : List.copyOf(top);
      categories = categories == null ? null : List.copyOf(categories);
    }

    /** A column profile without the inferred schema (format 1, and the per-split profiles). */
    public ColumnProfile(
        String name,
        String type,
        long count,
        long missing,
        long distinct,
        Double min,
        Double max,
        Double mean,
        Double std,
        Quantiles quantiles,
        Histogram histogram,
        List<TopValue> top) {
      this(
          name, type, count, missing, distinct, min, max, mean, std, quantiles, histogram, top,
          null, null, null);
    }

    /** This profile with the inferred schema: {@code kind}, {@code nullable} and categories. */
    public ColumnProfile withSchema(List<String> categories) {
      String k = kindOf(type, count, distinct);
      return new ColumnProfile(
          name,
          type,
          count,
          missing,
          distinct,
          min,
          max,
          mean,
          std,
          quantiles,
          histogram,
          top,
          k,
          missing > 0,
          k.equals(CATEGORICAL) ? categories : null);
    }

    /** {@link #kind()}, or for a profile without it (format 1) the kind {@link #kindOf} infers. */
    public String kindOrInferred() {
      return kind != null ? kind : kindOf(type, count, distinct);
    }

    /**
     * The column's categories when they are known: {@link #categories()}, or for a profile of
     * format 1 its {@code top} values when they are all of them ({@code distinct <=} {@value
     * Profiler#TOP_K}); null otherwise.
     */
    public List<String> knownCategories() {
      if (categories != null) {
        return categories;
      }
      if (kind == null
          && top != null
          && top.size() == distinct
          && kindOrInferred().equals(CATEGORICAL)) {
        return top.stream().map(TopValue::value).sorted().toList();
      }
      return null;
    }
  }

  /**
   * Quantiles by linear interpolation between the closest ranks: for {@code n} sorted values {@code
   * x[0..n-1]} and fraction {@code q}, {@code h = (n - 1) q} and the quantile is {@code x[floor(h)]
   * + (h - floor(h)) (x[floor(h) + 1] - x[floor(h)])}, numpy's and pandas' default ({@code
   * method="linear"}), rounded as numpy rounds it.
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Quantiles(
      Double p1, Double p5, Double p25, Double p50, Double p75, Double p95, Double p99) {

    /** The fractions, in field order. */
    public static final List<Double> FRACTIONS = List.of(0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99);

    /** The values in field order. */
    public List<Double> values() {
      return java.util.Arrays.asList(p1, p5, p25, p50, p75, p95, p99);
    }
  }

  /**
   * A histogram with {@code edges.size() == counts.size() + 1}. Bin {@code i} holds the values
   * {@code v} with {@code edges[i] <= v < edges[i + 1]}, the last bin also {@code v == edges[last]}
   * (numpy's convention: every bin half-open but the last, which is closed). The counts sum to the
   * column's {@code count}.
   *
   * @param edges the bin edges, ascending
   * @param counts values per bin
   */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Histogram(List<Double> edges, List<Long> counts) {
    public Histogram {
      edges = List.copyOf(edges);
      counts = List.copyOf(counts);
      if (edges.size() != counts.size() + 1) {
        throw new IllegalArgumentException(
            "a histogram needs one edge more than bins, but has "
                + edges.size()
                + " edges and "
                + counts.size()
                + " bins");
      }
    }
  }

  /**
   * One of the most frequent values.
   *
   * @param value the value as {@linkplain DatasetLabels#canonical canonical text} ({@code "1"},
   *     {@code "true"}, {@code "visa"})
   * @param count how many rows have it
   */
  public record TopValue(String value, long count) {}
}
