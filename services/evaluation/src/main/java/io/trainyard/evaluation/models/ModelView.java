package io.trainyard.evaluation.models;

import io.trainyard.contracts.events.ModelEvaluated.GateResult;
import io.trainyard.evaluation.gating.Sliced;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the models API answers for one evaluated model version.
 *
 * @param pipeline the pipeline
 * @param version the model version
 * @param runId the run that trained it
 * @param datasetVersion the dataset version it was trained on and evaluated with (test split)
 * @param primaryMetric the metric that ranks models
 * @param metrics metrics on the test split, by name
 * @param gates one result per gate of the spec, each with passed and reason
 * @param passed whether every gate passed
 * @param aliases the aliases that point at it (champion)
 * @param comparedWith the champion it was compared with, if there was one
 * @param predictions the link to its test-split predictions (Parquet: row_id, actual, predicted,
 *     score)
 * @param predictionsUri where the predictions are in the object store
 * @param manifestUri the evaluation's manifest
 * @param evaluatedAt when it was evaluated
 * @param slices each slice's column, value, size and metrics (no metrics below minSliceSize)
 * @param fairness the fairness figures across each slice column's judged slices
 * @param challengeSets the metrics on the latest version of each challenge set
 * @param reviews the human reviews of its predictions, oldest first
 */
public record ModelView(
    String pipeline,
    int version,
    String runId,
    int datasetVersion,
    String primaryMetric,
    Map<String, Double> metrics,
    List<GateResult> gates,
    List<io.trainyard.contracts.events.ModelEvaluated.SliceMetrics> slices,
    List<io.trainyard.contracts.events.ModelEvaluated.Fairness> fairness,
    List<io.trainyard.contracts.events.ModelEvaluated.ChallengeSetMetrics> challengeSets,
    boolean passed,
    List<String> aliases,
    Integer comparedWith,
    String predictions,
    String predictionsUri,
    String manifestUri,
    Instant evaluatedAt,
    List<ReviewView> reviews) {

  static ModelView of(ModelEvaluation row, List<String> aliases, List<ModelReview> reviews) {
    Sliced sliced = EvaluationService.readSliced(row.slicesJson);
    return new ModelView(
        row.pipeline,
        row.version,
        row.runId,
        row.datasetVersion,
        row.primaryMetric,
        EvaluationService.readMetrics(row.metricsJson),
        EvaluationService.readGates(row.gatesJson),
        sliced.slices(),
        sliced.fairness(),
        EvaluationService.readChallengeSets(row.challengeSetsJson),
        row.passed,
        aliases,
        row.championVersion,
        "/api/v1/pipelines/" + row.pipeline + "/models/" + row.version + "/predictions",
        row.predictionsUri,
        row.manifestUri,
        row.evaluatedAt,
        reviews.stream().map(ModelReview::view).toList());
  }
}
