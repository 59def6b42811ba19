package io.trainyard.datasets;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One transformation {@link CsvSplitter} applied, with its count; recorded in the manifest.
 *
 * @param step {@code trim}, {@code fold_case}, {@code drop_missing}, {@code dedupe} or {@code fill}
 * @param column the column, or {@code null} for a step over whole rows ({@code dedupe})
 * @param strategy for {@code fill}: median, mean, mode, zero or constant
 * @param value for {@code fill}: the value written into the missing cells
 * @param count cells changed ({@code trim}, {@code fold_case}, {@code fill}) or rows dropped
 *     ({@code drop_missing}, {@code dedupe})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CleaningStep(String step, String column, String strategy, Object value, long count) {
  public static final String TRIM = "trim";
  public static final String FOLD_CASE = "fold_case";
  public static final String DROP_MISSING = "drop_missing";
  public static final String DEDUPE = "dedupe";
  public static final String FILL = "fill";
}
