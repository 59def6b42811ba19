package io.trainyard.evaluation.models;

import io.trainyard.contracts.events.ModelEvaluated.Fairness;
import io.trainyard.contracts.events.ModelEvaluated.SliceMetrics;
import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.evaluation.gating.Sliced;
import io.trainyard.stats.Quantiles;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Slices of the test split and the fairness across them. A text (or boolean, or temporal) column is
 * sliced by value; a numeric column by value when it has at most {@value #MAX_VALUES} distinct
 * values, else into quartile buckets ({@code pandas.qcut(x, 4)}: edges at numpy's 25th, 50th and
 * 75th percentiles, the first bucket closed on the left). Missing values form the slice {@value
 * #MISSING}.
 */
final class Slices {

  /** A numeric column with at most this many distinct values is sliced by value. */
  static final int MAX_VALUES = 10;

  /** The slice of rows whose value is missing. */
  static final String MISSING = "(missing)";

  private Slices() {}

  /** One slice: its column, its value (or bucket) and the indices of its rows. */
  record Group(String feature, String value, int[] rows) {}

  /** The slices of one column, in value order (buckets ascending), the missing slice last. */
  static List<Group> groups(String feature, ParquetTables.Column column) {
    int n = column.text().length;
    Map<String, List<Integer>> byValue = new LinkedHashMap<>();
    List<Integer> missing = new ArrayList<>();
    if (column.numeric()) {
      double[] present = Arrays.stream(column.numbers()).filter(v -> !Double.isNaN(v)).toArray();
      long distinct = Arrays.stream(present).distinct().count();
      if (distinct > MAX_VALUES) {
        double[] edges = quartileEdges(present);
        List<String> labels = new ArrayList<>();
        for (int b = 0; b + 1 < edges.length; b++) {
          labels.add((b == 0 ? "[" : "(") + fmt(edges[b]) + ", " + fmt(edges[b + 1]) + "]");
          byValue.put(labels.get(b), new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
          double v = column.numbers()[i];
          if (Double.isNaN(v)) {
            missing.add(i);
            continue;
          }
          int b = 0;
          while (b + 2 < edges.length && v > edges[b + 1]) {
            b++;
          }
          byValue.get(labels.get(b)).add(i);
        }
        return build(feature, byValue, missing);
      }
      TreeMap<Double, List<Integer>> sorted = new TreeMap<>();
      Map<Double, String> text = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        double v = column.numbers()[i];
        if (Double.isNaN(v)) {
          missing.add(i);
        } else {
          sorted.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
          text.putIfAbsent(v, column.text()[i]);
        }
      }
      sorted.forEach((v, rows) -> byValue.put(text.get(v), rows));
      return build(feature, byValue, missing);
    }
    TreeMap<String, List<Integer>> sorted = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      String v = column.text()[i];
      if (v == null) {
        missing.add(i);
      } else {
        sorted.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
      }
    }
    byValue.putAll(sorted);
    return build(feature, byValue, missing);
  }

  private static List<Group> build(
      String feature, Map<String, List<Integer>> byValue, List<Integer> missing) {
    List<Group> groups = new ArrayList<>();
    byValue.forEach(
        (value, rows) -> {
          if (!rows.isEmpty()) {
            groups.add(
                new Group(feature, value, rows.stream().mapToInt(Integer::intValue).toArray()));
          }
        });
    if (!missing.isEmpty()) {
      groups.add(
          new Group(feature, MISSING, missing.stream().mapToInt(Integer::intValue).toArray()));
    }
    return groups;
  }

  /** min, the 25th, 50th and 75th percentiles, max; repeated edges dropped. */
  static double[] quartileEdges(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double[] edges = {
      sorted[0],
      Quantiles.percentileOfSorted(sorted, 25),
      Quantiles.percentileOfSorted(sorted, 50),
      Quantiles.percentileOfSorted(sorted, 75),
      sorted[sorted.length - 1]
    };
    return Arrays.stream(edges).distinct().toArray();
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /**
   * The metrics of every slice of the given columns. Slices with at least {@code minSliceSize} rows
   * get the split's metrics computed on their rows; smaller ones report their size only. Binary
   * classifiers also get the fairness across the judged slices of each column with two or more.
   *
   * @param columns each slice column's values, in the order of {@code scored}'s rows; a column the
   *     test split lacks is in {@code missing} instead
   */
  static Sliced slice(
      Scored scored,
      Map<String, ParquetTables.Column> columns,
      Map<String, String> missing,
      int minSliceSize) {
    List<SliceMetrics> slices = new ArrayList<>();
    List<Fairness> fairness = new ArrayList<>();
    for (Map.Entry<String, ParquetTables.Column> column : columns.entrySet()) {
      List<Group> judged = new ArrayList<>();
      for (Group group : groups(column.getKey(), column.getValue())) {
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (group.rows().length >= minSliceSize) {
          scored.sample(group.rows()).metrics(metrics, new LinkedHashMap<>());
          judged.add(group);
        }
        slices.add(new SliceMetrics(group.feature(), group.value(), group.rows().length, metrics));
      }
      if (scored.task() == Task.BINARY_CLASSIFICATION && judged.size() >= 2) {
        fairness.add(fairness(scored, column.getKey(), judged));
      }
    }
    return new Sliced(slices, fairness, missing, minSliceSize);
  }

  /**
   * Fairlearn's figures across groups: selection rate {@code P(ŷ = 1 | g)} and true positive rate
   * {@code P(ŷ = 1 | y = 1, g)} per group; the difference of their largest and smallest, and the
   * ratio of the smallest selection rate to the largest.
   */
  static Fairness fairness(Scored scored, String feature, List<Group> groups) {
    int[] yTrue = scored.yTrue();
    int[] yPred = scored.yPred();
    double minRate = Double.POSITIVE_INFINITY;
    double maxRate = Double.NEGATIVE_INFINITY;
    double minTpr = Double.POSITIVE_INFINITY;
    double maxTpr = Double.NEGATIVE_INFINITY;
    int withPositives = 0;
    List<String> names = new ArrayList<>();
    for (Group group : groups) {
      names.add(group.value());
      long selected = 0;
      long positives = 0;
      long truePositives = 0;
      for (int row : group.rows()) {
        selected += yPred[row];
        if (yTrue[row] == 1) {
          positives++;
          truePositives += yPred[row];
        }
      }
      double rate = (double) selected / group.rows().length;
      minRate = Math.min(minRate, rate);
      maxRate = Math.max(maxRate, rate);
      if (positives > 0) {
        double tpr = (double) truePositives / positives;
        minTpr = Math.min(minTpr, tpr);
        maxTpr = Math.max(maxTpr, tpr);
        withPositives++;
      }
    }
    return new Fairness(
        feature,
        names,
        maxRate - minRate,
        withPositives >= 2 ? maxTpr - minTpr : null,
        maxRate > 0 ? minRate / maxRate : null);
  }
}
