package io.trainyard.contracts.events;

/**
 * {@code io.trainyard.training.ended.v1} on {@code trainyard.training.ended}: a run ended; exactly
 * one per run.
 *
 * @param runId the run
 * @param pipeline the pipeline name
 * @param status succeeded, failed or cancelled
 * @param reason why it ended
 * @param modelVersion optional: the model version a succeeded run produced
 */
public record TrainingEnded(
    String runId, String pipeline, RunStatus status, String reason, Integer modelVersion)
    implements PipelineEvent {

  public TrainingEnded {
    Copies.required(runId, "runId");
    Copies.required(pipeline, "pipeline");
    Copies.required(status, "status");
    Copies.required(reason, "reason");
  }
}
