package io.trainyard.evaluation.gating;

import io.trainyard.contracts.events.ModelEvaluated.Fairness;
import io.trainyard.contracts.events.ModelEvaluated.SliceMetrics;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An evaluation's slices: each slice's size and metrics, the fairness across each column's judged
 * slices, and why a slice column could not be sliced.
 *
 * @param slices every slice, judged or not (an unjudged slice has no metrics)
 * @param fairness per slice column with two or more judged slices (binary classifiers)
 * @param missing slice columns the test split lacks, with the reason
 * @param minSliceSize slices with fewer rows are not judged
 */
public record Sliced(
    List<SliceMetrics> slices,
    List<Fairness> fairness,
    Map<String, String> missing,
    int minSliceSize) {

  /** Fairness metrics, gated with {@code slice: <column>}. */
  public static final String DEMOGRAPHIC_PARITY_DIFFERENCE = "demographic_parity_difference";

  public static final String EQUAL_OPPORTUNITY_DIFFERENCE = "equal_opportunity_difference";
  public static final String DISPARATE_IMPACT_RATIO = "disparate_impact_ratio";

  /** The fairness metrics' names. */
  public static final Set<String> FAIRNESS_METRICS =
      Set.of(DEMOGRAPHIC_PARITY_DIFFERENCE, EQUAL_OPPORTUNITY_DIFFERENCE, DISPARATE_IMPACT_RATIO);

  /** No slices. */
  public static final Sliced NONE = new Sliced(List.of(), List.of(), Map.of(), 1);

  public Sliced {
    slices = List.copyOf(slices);
    fairness = List.copyOf(fairness);
    missing = Map.copyOf(missing);
  }

  /** The sliced columns, in order. */
  public Set<String> columns() {
    Set<String> columns = new LinkedHashSet<>();
    slices.forEach(s -> columns.add(s.feature()));
    return columns;
  }

  /** The slices of one column. */
  public List<SliceMetrics> of(String feature) {
    return slices.stream().filter(s -> s.feature().equals(feature)).toList();
  }

  /** One slice. */
  public Optional<SliceMetrics> slice(String feature, String value) {
    return slices.stream()
        .filter(s -> s.feature().equals(feature) && s.value().equals(value))
        .findFirst();
  }

  /** The fairness figures of a column by metric name; empty when there are none. */
  public Map<String, Double> fairnessOf(String feature) {
    Map<String, Double> figures = new LinkedHashMap<>();
    for (Fairness f : fairness) {
      if (f.feature().equals(feature)) {
        figures.put(DEMOGRAPHIC_PARITY_DIFFERENCE, f.demographicParityDifference());
        if (f.equalOpportunityDifference() != null) {
          figures.put(EQUAL_OPPORTUNITY_DIFFERENCE, f.equalOpportunityDifference());
        }
        if (f.disparateImpactRatio() != null) {
          figures.put(DISPARATE_IMPACT_RATIO, f.disparateImpactRatio());
        }
      }
    }
    return figures;
  }
}
