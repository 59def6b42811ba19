package io.trainyard.evaluation.models;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.AliasRequested;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code trainyard.models.alias-requested}: ops' alias moves; a request for a version that
 * was never evaluated goes to the dead-letter topic with the reason.
 */
@ApplicationScoped
public class AliasRequestsListener {

  public static final String CHANNEL = "models-alias-requested";

  private final EventConsumer events;
  private final AliasService aliases;

  public AliasRequestsListener(EventConsumer events, AliasService aliases) {
    this.events = events;
    this.aliases = aliases;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onAliasRequested(Message<byte[]> message) {
    return events.handle(
        message, Topic.MODELS_ALIAS_REQUESTED, AliasRequested.class, aliases::onAliasRequested);
  }
}
