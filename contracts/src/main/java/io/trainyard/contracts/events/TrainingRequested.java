package io.trainyard.contracts.events;

/**
 * {@code io.trainyard.training.requested.v1} on {@code trainyard.training.requested}, keyed by
 * {@code runId}: a training run is requested.
 *
 * @param runId the run id, derived by the requester from a business key
 * @param pipeline the pipeline name
 * @param datasetVersion the dataset version to train on
 * @param trigger why
 * @param reason a readable reason
 * @param parentModel optional: the model version this run retrains (the champion at request time)
 */
public record TrainingRequested(
    String runId,
    String pipeline,
    int datasetVersion,
    Trigger trigger,
    String reason,
    Integer parentModel)
    implements PipelineEvent {

  public TrainingRequested {
    Copies.required(runId, "runId");
    Copies.required(pipeline, "pipeline");
    Copies.required(trigger, "trigger");
    Copies.required(reason, "reason");
  }
}
