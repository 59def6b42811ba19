package io.trainyard.contracts.events;

import java.time.Instant;
import java.util.Map;

/**
 * {@code io.trainyard.inference.observed.v1} on {@code trainyard.inference.observed}: a serving
 * system made a prediction. Its CloudEvent id is derived from {@code predictionId}.
 *
 * @param pipeline the pipeline name
 * @param modelVersion the model version that predicted
 * @param predictionId the serving system's id of the prediction
 * @param features the model input by feature name: numbers, strings, booleans, or {@code null} for
 *     a missing value
 * @param prediction the predicted label or value (number, string or boolean)
 * @param scores classification: probability by class label (as text); at most one of scores and
 *     score
 * @param score binary classification: probability of the positive class
 * @param observedAt when the prediction was made (RFC 3339 on the wire)
 */
public record InferenceObserved(
    String pipeline,
    int modelVersion,
    String predictionId,
    Map<String, Object> features,
    Object prediction,
    Map<String, Double> scores,
    Double score,
    Instant observedAt)
    implements PipelineEvent {

  public InferenceObserved {
    Copies.required(pipeline, "pipeline");
    Copies.required(predictionId, "predictionId");
    features = Copies.map(Copies.required(features, "features"));
    Copies.required(prediction, "prediction");
    scores = Copies.map(scores);
    Copies.required(observedAt, "observedAt");
    if (scores != null && score != null) {
      throw new IllegalArgumentException("give scores or score, not both");
    }
  }
}
