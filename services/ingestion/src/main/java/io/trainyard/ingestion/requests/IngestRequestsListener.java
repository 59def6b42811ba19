package io.trainyard.ingestion.requests;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code trainyard.datasets.ingest-requested}: each request becomes a dataset version (or
 * finds the existing one with the same content), exactly as an upload does.
 */
@ApplicationScoped
public class IngestRequestsListener {

  public static final String CHANNEL = "ingest-requested";

  private final EventConsumer events;
  private final IngestRequests requests;

  public IngestRequestsListener(EventConsumer events, IngestRequests requests) {
    this.events = events;
    this.requests = requests;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onRequested(Message<byte[]> message) {
    return events.handle(
        message,
        Topic.DATASETS_INGEST_REQUESTED,
        DatasetIngestRequested.class,
        event -> requests.ingest(event.payload()));
  }
}
