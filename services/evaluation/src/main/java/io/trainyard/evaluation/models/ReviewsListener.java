package io.trainyard.evaluation.models;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.ModelReviewed;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code trainyard.models.reviewed}: human reviews of a model version's predictions; a
 * review of a version that was never evaluated, or whose figures do not add up, goes to the
 * dead-letter topic with the reason.
 */
@ApplicationScoped
public class ReviewsListener {

  public static final String CHANNEL = "models-reviewed";

  private final EventConsumer events;
  private final ReviewService reviews;

  public ReviewsListener(EventConsumer events, ReviewService reviews) {
    this.events = events;
    this.reviews = reviews;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onReviewed(Message<byte[]> message) {
    return events.handle(message, Topic.MODELS_REVIEWED, ModelReviewed.class, reviews::onReviewed);
  }
}
