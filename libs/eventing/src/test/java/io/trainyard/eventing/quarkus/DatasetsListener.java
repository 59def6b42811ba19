package io.trainyard.eventing.quarkus;

import io.agroal.api.AgroalDataSource;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.PoisonEventException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** A consumer written the way docs/eventing.md tells services to write one. */
@ApplicationScoped
public class DatasetsListener {

  static final String CHANNEL = "datasets-ingested";

  @Inject EventConsumer events;
  @Inject Outbox outbox;
  @Inject AgroalDataSource dataSource;

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onDatasetIngested(Message<byte[]> message) {
    return events.handle(
        message, Topic.DATASETS_INGESTED, DatasetIngested.class, this::requestTraining);
  }

  /** Records its effect (n counts how often) and requests a run: all in the event's transaction. */
  void requestTraining(IncomingEvent<DatasetIngested> event) throws Exception {
    DatasetIngested dataset = event.payload();
    if (dataset.pipeline().startsWith("poison")) {
      throw new PoisonEventException("pipeline " + dataset.pipeline() + " was deleted");
    }
    try (Connection c = dataSource.getConnection();
        PreparedStatement effect =
            c.prepareStatement(
                "INSERT INTO effects (event_id, pipeline, n) VALUES (?, ?, 1)"
                    + " ON CONFLICT (event_id) DO UPDATE SET n = effects.n + 1")) {
      effect.setString(1, event.id());
      effect.setString(2, dataset.pipeline());
      effect.executeUpdate();
    }
    String runId = runId(dataset.pipeline(), dataset.version());
    outbox.publish(
        Topic.TRAINING_REQUESTED,
        new TrainingRequested(
            runId, dataset.pipeline(), dataset.version(), Trigger.DATA, "new dataset", null),
        runId);
  }

  static String runId(String pipeline, int version) {
    return EventIds.of(Topic.DATASETS_INGESTED, "run", pipeline, version);
  }
}
