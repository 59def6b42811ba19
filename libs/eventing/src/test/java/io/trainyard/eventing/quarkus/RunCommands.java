package io.trainyard.eventing.quarkus;

import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.eventing.OutboxEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;

/** A producer written the way docs/eventing.md tells services to write one. */
@ApplicationScoped
public class RunCommands {

  @Inject Outbox outbox;

  @Transactional
  public OutboxEvent requestRun(String runId, String pipeline) {
    return outbox.publish(Topic.TRAINING_REQUESTED, request(runId, pipeline), runId);
  }

  @Transactional
  public OutboxEvent requestRunAndFail(String runId, String pipeline) {
    outbox.publish(Topic.TRAINING_REQUESTED, request(runId, pipeline), runId);
    throw new IllegalStateException("the state change failed after the event was written");
  }

  private static TrainingRequested request(String runId, String pipeline) {
    return new TrainingRequested(runId, pipeline, 1, Trigger.MANUAL, "operator asked", null);
  }
}
