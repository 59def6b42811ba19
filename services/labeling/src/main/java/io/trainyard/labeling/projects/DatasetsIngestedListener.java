package io.trainyard.labeling.projects;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Consumes {@code trainyard.datasets.ingested}: a version with unlabeled rows gets a project. */
@ApplicationScoped
public class DatasetsIngestedListener {

  public static final String CHANNEL = "datasets-ingested";

  private final EventConsumer events;
  private final ProjectService projects;

  public DatasetsIngestedListener(EventConsumer events, ProjectService projects) {
    this.events = events;
    this.projects = projects;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onIngested(Message<byte[]> message) {
    return events.handle(
        message, Topic.DATASETS_INGESTED, DatasetIngested.class, projects::onIngested);
  }
}
