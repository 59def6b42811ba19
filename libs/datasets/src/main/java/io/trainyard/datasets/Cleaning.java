package io.trainyard.datasets;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * How {@link CsvSplitter} cleans feature columns before and after splitting. The target is never
 * changed by cleaning (a row without a target value is unlabeled, not missing).
 *
 * <ul>
 *   <li>Text features ({@code string} columns) are normalised first: {@link #trim()} strips leading
 *       and trailing whitespace (a cell that becomes empty is then missing), {@link #foldCase()}
 *       folds to lower case (Unicode, DuckDB's {@code lower}).
 *   <li>Then rows are dropped whose numeric feature is missing when {@link #numeric()} is {@code
 *       drop}, or whose text feature is missing when {@link #categorical()} is {@code drop}.
 *   <li>Then exact duplicates are dropped ({@link SplitConfig#dedupe()}) and the rows are split.
 *   <li>Last, missing values are filled, with statistics of the train split only (so nothing of the
 *       validation and test rows leaks into the training data), in every split: numeric features by
 *       {@code median} (the average of the two middle values for an even count, as numpy), {@code
 *       mean}, {@code mode} (the most frequent value, the smallest on ties, as scikit-learn's
 *       {@code SimpleImputer(strategy="most_frequent")}), {@code zero} or {@code constant} ({@link
 *       #numericValue()}); text features by {@code mode} or a constant category (any other value of
 *       {@link #categorical()}). NaN and infinite values are not missing and are not used for the
 *       statistics. A column with no value in the train split is left missing. An integer column
 *       filled with a fractional value is written as a number column.
 * </ul>
 *
 * @param numeric keep, drop, median, mean, mode, zero or constant
 * @param numericValue the value of the numeric {@code constant} strategy
 * @param categorical keep, drop, mode, or the category that replaces a missing text value
 * @param trim strip whitespace around text feature values
 * @param foldCase fold text feature values to lower case
 */
public record Cleaning(
    String numeric, double numericValue, String categorical, boolean trim, boolean foldCase) {

  public static final String KEEP = "keep";
  public static final String DROP = "drop";
  public static final String MEDIAN = "median";
  public static final String MEAN = "mean";
  public static final String MODE = "mode";
  public static final String ZERO = "zero";
  public static final String CONSTANT = "constant";

  private static final Set<String> NUMERIC = Set.of(KEEP, DROP, MEDIAN, MEAN, MODE, ZERO, CONSTANT);

  /** Leave every value as read. */
  public static final Cleaning NONE = new Cleaning(KEEP, 0, KEEP, false, false);

  public Cleaning {
    Objects.requireNonNull(numeric, "numeric");
    Objects.requireNonNull(categorical, "categorical");
    numeric = numeric.toLowerCase(Locale.ROOT);
    if (!NUMERIC.contains(numeric)) {
      throw new IllegalArgumentException(
          "unknown strategy for missing numeric values '" + numeric + "'; use one of " + NUMERIC);
    }
    if (categorical.isEmpty()) {
      throw new IllegalArgumentException("the strategy for missing text values must not be empty");
    }
  }

  /** Whether text values are filled with a constant category ({@link #categorical()}). */
  boolean categoricalConstant() {
    return !categorical.equals(KEEP) && !categorical.equals(DROP) && !categorical.equals(MODE);
  }
}
