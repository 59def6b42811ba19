package io.trainyard.evaluation.models;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.ModelTrained;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Consumes {@code trainyard.models.trained}: each model version is evaluated once. */
@ApplicationScoped
public class ModelsTrainedListener {

  public static final String CHANNEL = "models-trained";

  private final EventConsumer events;
  private final EvaluationService evaluation;

  public ModelsTrainedListener(EventConsumer events, EvaluationService evaluation) {
    this.events = events;
    this.evaluation = evaluation;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onTrained(Message<byte[]> message) {
    return events.handle(message, Topic.MODELS_TRAINED, ModelTrained.class, evaluation::onTrained);
  }
}
