package io.trainyard.contracts.events;

/**
 * {@code io.trainyard.training.cancel-requested.v1} on {@code trainyard.training.cancel-requested},
 * keyed by run id: ops asked (through the console) to stop a run. A queued run is cancelled at
 * once; a running one stops before its next mini-batch and saves nothing; a finished run is left as
 * it is. The outcome is the run's {@code trainyard.training.ended}.
 *
 * @param runId the run to stop
 * @param reason why, for the record
 * @param requestedBy optional: who asked (the caller's principal)
 */
public record TrainingCancelRequested(String runId, String reason, String requestedBy) {

  public TrainingCancelRequested {
    Copies.required(runId, "runId");
    Copies.required(reason, "reason");
  }
}
