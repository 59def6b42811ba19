package io.trainyard.contracts.events;

import java.time.Instant;

/**
 * {@code io.trainyard.inference.labeled.v1} on {@code trainyard.inference.labeled}: a feedback
 * system learned the true label of a prediction (a chargeback, a human review, an outcome). Its
 * CloudEvent id is derived from {@code pipeline}, {@code predictionId} and {@code labeledAt}, so a
 * re-sent label is the same event and a later relabel is a new one (the latest {@code labeledAt}
 * wins).
 *
 * @param pipeline the pipeline name
 * @param predictionId the serving system's id of the prediction, as on {@code inference.observed}
 * @param label the true label or value (number, string or boolean)
 * @param labeledBy optional: who or what labeled it
 * @param labeledAt when the label was given (RFC 3339 on the wire)
 */
public record InferenceLabeled(
    String pipeline, String predictionId, Object label, String labeledBy, Instant labeledAt)
    implements PipelineEvent {

  public InferenceLabeled {
    Copies.required(pipeline, "pipeline");
    Copies.required(predictionId, "predictionId");
    Copies.required(label, "label");
    Copies.required(labeledAt, "labeledAt");
  }
}
