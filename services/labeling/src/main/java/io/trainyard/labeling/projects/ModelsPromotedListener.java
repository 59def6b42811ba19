package io.trainyard.labeling.projects;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.ModelPromoted;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Consumes {@code trainyard.models.promoted}: a new champion assists the open projects. */
@ApplicationScoped
public class ModelsPromotedListener {

  public static final String CHANNEL = "models-promoted";

  private final EventConsumer events;
  private final ModelAssist assist;

  public ModelsPromotedListener(EventConsumer events, ModelAssist assist) {
    this.events = events;
    this.assist = assist;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onPromoted(Message<byte[]> message) {
    return events.handle(message, Topic.MODELS_PROMOTED, ModelPromoted.class, assist::onPromoted);
  }
}
