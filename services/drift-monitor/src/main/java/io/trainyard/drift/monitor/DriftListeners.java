package io.trainyard.drift.monitor;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.contracts.events.ModelPromoted;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code trainyard.models.promoted} (a new champion replaces the reference) and {@code
 * trainyard.inference.observed} (counted into the open window), each through the inbox: a
 * redelivered event has one effect.
 */
@ApplicationScoped
public class DriftListeners {

  public static final String MODELS_PROMOTED = "models-promoted";
  public static final String INFERENCE_OBSERVED = "inference-observed";

  private final EventConsumer events;
  private final ReferenceService references;
  private final DriftMonitor monitor;

  public DriftListeners(EventConsumer events, ReferenceService references, DriftMonitor monitor) {
    this.events = events;
    this.references = references;
    this.monitor = monitor;
  }

  @Incoming(MODELS_PROMOTED)
  @Blocking(ordered = true)
  CompletionStage<Void> onPromoted(Message<byte[]> message) {
    return events.handle(
        message, Topic.MODELS_PROMOTED, ModelPromoted.class, references::onPromoted);
  }

  @Incoming(INFERENCE_OBSERVED)
  @Blocking(ordered = true)
  CompletionStage<Void> onObserved(Message<byte[]> message) {
    return events.handle(
        message, Topic.INFERENCE_OBSERVED, InferenceObserved.class, monitor::onObserved);
  }
}
