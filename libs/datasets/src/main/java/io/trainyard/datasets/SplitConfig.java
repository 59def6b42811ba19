package io.trainyard.datasets;

import java.util.List;
import java.util.Objects;

/**
 * How {@link CsvSplitter} turns an uploaded CSV into train, validation and test splits: which
 * column is the target, which columns are neither target nor feature, the split ratios, whether to
 * stratify by the target, the seed of the deterministic split, and whether to drop exact duplicate
 * rows first.
 *
 * @param target the target column (exact, case-sensitive name)
 * @param exclude columns kept in the Parquet files but not used as features (ids, timestamps...);
 *     {@code null} means none
 * @param ratios the split ratios
 * @param stratify split each target value separately, so every split keeps the class proportions
 * @param seed the split seed: the same file, config and seed always give the same split
 * @param dedupe drop exact duplicate rows (keeping the first) before splitting
 * @param groupBy a column whose rows stay together in one split; {@code null} for none
 * @param cleaning how feature values are normalised and missing values handled
 */
public record SplitConfig(
    String target,
    List<String> exclude,
    SplitRatios ratios,
    boolean stratify,
    long seed,
    boolean dedupe,
    String groupBy,
    Cleaning cleaning) {

  public SplitConfig {
    if (target == null || target.isBlank()) {
      throw new IllegalArgumentException("the target column name must not be empty");
    }
    exclude = exclude == null ? List.of() : List.copyOf(exclude);
    Objects.requireNonNull(ratios, "ratios");
    if (groupBy != null && groupBy.equals(target)) {
      throw new IllegalArgumentException("the group column must not be the target");
    }
    cleaning = cleaning == null ? Cleaning.NONE : cleaning;
  }

  /** Without groups and without cleaning. */
  public SplitConfig(
      String target,
      List<String> exclude,
      SplitRatios ratios,
      boolean stratify,
      long seed,
      boolean dedupe) {
    this(target, exclude, ratios, stratify, seed, dedupe, null, Cleaning.NONE);
  }
}
