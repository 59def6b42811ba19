package io.trainyard.training.runs;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code trainyard.training.requested}: each request queues its run in the request's
 * transaction, and the record is acknowledged then. Training happens later, on a worker that leases
 * the run ({@link RunWorker}); see ADR 0005 for why the record is not held while it trains.
 */
@ApplicationScoped
public class TrainingRequestsListener {

  public static final String CHANNEL = "training-requested";

  private final EventConsumer events;
  private final RunStore runs;
  private final RunWorker worker;

  public TrainingRequestsListener(EventConsumer events, RunStore runs, RunWorker worker) {
    this.events = events;
    this.runs = runs;
    this.worker = worker;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onRequested(Message<byte[]> message) {
    CompletionStage<Void> done =
        events.handle(message, Topic.TRAINING_REQUESTED, TrainingRequested.class, runs::enqueue);
    worker.wake();
    return done;
  }
}
