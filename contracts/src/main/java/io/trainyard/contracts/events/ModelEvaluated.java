package io.trainyard.contracts.events;

import java.util.List;
import java.util.Map;

/**
 * {@code io.trainyard.models.evaluated.v1} on {@code trainyard.models.evaluated}: evaluation scored
 * a model version and applied the spec's gates.
 *
 * @param pipeline the pipeline name
 * @param modelVersion the evaluated model version
 * @param runId the run that trained it
 * @param datasetVersion the dataset version whose test split was scored
 * @param metrics metrics by name
 * @param slices optional: metrics per slice
 * @param gates one result per gate of the spec, in order
 * @param passed whether every gate passed
 * @param championVersion optional: the champion compared with; absent when there is none
 * @param predictionsUri the test-split predictions
 * @param manifestUri optional: the evaluation's manifest
 * @param intervals optional: confidence intervals by metric name (the primary metric's, by the
 *     percentile bootstrap of the test split)
 * @param perClass optional: for classifiers, {@code precision}, {@code recall}, {@code f1} and
 *     {@code support} of each class that is true or predicted in the test split (scikit-learn's
 *     {@code average=None}), by class label
 * @param fairness optional: for binary classifiers, the fairness figures across the judged slices
 *     of each slice column
 * @param challengeSets optional: the metrics on the latest version of each challenge set of the
 *     pipeline
 */
public record ModelEvaluated(
    String pipeline,
    int modelVersion,
    String runId,
    int datasetVersion,
    Map<String, Double> metrics,
    List<SliceMetrics> slices,
    List<GateResult> gates,
    boolean passed,
    Integer championVersion,
    String predictionsUri,
    String manifestUri,
    Map<String, Interval> intervals,
    Map<String, Map<String, Double>> perClass,
    List<Fairness> fairness,
    List<ChallengeSetMetrics> challengeSets)
    implements PipelineEvent {

  public ModelEvaluated {
    challengeSets = challengeSets == null ? null : Copies.list(challengeSets);
    fairness = fairness == null ? null : Copies.list(fairness);
    perClass = perClass == null ? null : Copies.map(perClass);
    intervals = intervals == null ? null : Copies.map(intervals);
    Copies.required(pipeline, "pipeline");
    Copies.required(runId, "runId");
    metrics = Copies.map(Copies.required(metrics, "metrics"));
    slices = Copies.list(slices);
    gates = Copies.list(Copies.required(gates, "gates"));
    Copies.required(predictionsUri, "predictionsUri");
  }

  /**
   * A confidence interval of a metric.
   *
   * @param low the lower bound
   * @param high the upper bound
   * @param level the confidence level, such as 0.95
   * @param method how it was computed: {@code percentile-bootstrap}
   * @param resamples the bootstrap resamples
   */
  public record Interval(double low, double high, double level, String method, int resamples) {
    public Interval {
      Copies.required(method, "method");
    }
  }

  /**
   * Metrics of one slice.
   *
   * @param feature the slicing column
   * @param value the slice value, as text
   * @param rows rows in the slice
   * @param metrics metrics by name
   */
  public record SliceMetrics(String feature, String value, long rows, Map<String, Double> metrics) {
    public SliceMetrics {
      Copies.required(feature, "feature");
      Copies.required(value, "value");
      metrics = Copies.map(Copies.required(metrics, "metrics"));
    }
  }

  /**
   * Fairness across the groups (judged slices) of one slice column, for a binary classifier, as
   * Fairlearn defines them: selection rate {@code P(ŷ = positive | group)}, true positive rate
   * {@code P(ŷ = positive | y = positive, group)}.
   *
   * @param feature the slice column
   * @param groups the groups compared
   * @param demographicParityDifference the largest minus the smallest selection rate
   * @param equalOpportunityDifference the largest minus the smallest true positive rate, over the
   *     groups with positives; null when fewer than two have
   * @param disparateImpactRatio the smallest selection rate over the largest; null when no group is
   *     ever selected
   */
  public record Fairness(
      String feature,
      List<String> groups,
      double demographicParityDifference,
      Double equalOpportunityDifference,
      Double disparateImpactRatio) {
    public Fairness {
      Copies.required(feature, "feature");
      groups = Copies.list(Copies.required(groups, "groups"));
    }
  }

  /**
   * Metrics on a challenge set.
   *
   * @param name the challenge set
   * @param datasetVersion its latest dataset version, the one scored
   * @param rows its rows
   * @param metrics the task's metrics on them
   */
  public record ChallengeSetMetrics(
      String name, int datasetVersion, long rows, Map<String, Double> metrics) {
    public ChallengeSetMetrics {
      Copies.required(name, "name");
      metrics = Copies.map(Copies.required(metrics, "metrics"));
    }
  }

  /**
   * The result of one gate, with its reason.
   *
   * @param metric the gated metric
   * @param passed whether it passed
   * @param reason why, readable
   * @param value the candidate's value
   * @param min the gate's min, if any
   * @param max the gate's max, if any
   * @param notWorseThanChampionBy the gate's tolerance against the champion, if any
   * @param championValue the champion's value, for champion gates when there is a champion
   * @param slice the gate's slice ({@code column} or {@code column=value}); null for the whole test
   *     split
   * @param challengeSet the gate's challenge set; null for the test split
   */
  public record GateResult(
      String metric,
      boolean passed,
      String reason,
      Double value,
      Double min,
      Double max,
      Double notWorseThanChampionBy,
      Double championValue,
      String slice,
      String challengeSet) {
    public GateResult {
      Copies.required(metric, "metric");
      Copies.required(reason, "reason");
    }

    /** A result on the test split or one of its slices. */
    public GateResult(
        String metric,
        boolean passed,
        String reason,
        Double value,
        Double min,
        Double max,
        Double notWorseThanChampionBy,
        Double championValue,
        String slice) {
      this(
          metric,
          passed,
          reason,
          value,
          min,
          max,
          notWorseThanChampionBy,
          championValue,
          slice,
          null);
    }

    /** A result on the whole test split. */
    public GateResult(
        String metric,
        boolean passed,
        String reason,
        Double value,
        Double min,
        Double max,
        Double notWorseThanChampionBy,
        Double championValue) {
      this(metric, passed, reason, value, min, max, notWorseThanChampionBy, championValue, null);
    }
  }
}
