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
    Map<String, Map<String, Double>> perClass)
    implements PipelineEvent {

  public ModelEvaluated {
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
   */
  public record GateResult(
      String metric,
      boolean passed,
      String reason,
      Double value,
      Double min,
      Double max,
      Double notWorseThanChampionBy,
      Double championValue) {
    public GateResult {
      Copies.required(metric, "metric");
      Copies.required(reason, "reason");
    }
  }
}
