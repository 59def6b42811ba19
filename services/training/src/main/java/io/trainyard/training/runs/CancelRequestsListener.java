package io.trainyard.training.runs;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.TrainingCancelRequested;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code trainyard.training.cancel-requested}: the request is recorded in the event's
 * transaction ({@link RunStore#requestCancel}); a queued run ends there, and a run this replica
 * executes stops before its next mini-batch. A worker on another replica learns of the request at
 * its next lease renewal (a third of the lease: 20 s by default).
 */
@ApplicationScoped
public class CancelRequestsListener {

  public static final String CHANNEL = "training-cancel-requested";

  private final EventConsumer events;
  private final RunStore runs;
  private final RunWorker worker;

  public CancelRequestsListener(EventConsumer events, RunStore runs, RunWorker worker) {
    this.events = events;
    this.runs = runs;
    this.worker = worker;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onCancelRequested(Message<byte[]> message) {
    AtomicReference<String> runId = new AtomicReference<>();
    CompletionStage<Void> done =
        events.handle(
            message,
            Topic.TRAINING_CANCEL_REQUESTED,
            TrainingCancelRequested.class,
            event -> {
              runs.requestCancel(event);
              runId.set(event.payload().runId());
            });
    // After the request is committed, so the stopping run reads its reason.
    if (runId.get() != null) {
      worker.cancelIfRunning(runId.get());
    }
    return done;
  }
}
