package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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

  /** The current {@link #formatVersion()}. */
  public static final int FORMAT_VERSION = 1;

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
   * The profile of one column over a set of rows. Numeric statistics ({@code min} to {@code
   * histogram}) are null for string and boolean columns and when the column has no non-missing
   * value; {@code top} is null for columns it is not computed for.
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
      List<TopValue> top) {
    public ColumnProfile {
      top = top == null ? null : List.copyOf(top);
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
