package io.trainyard.drift.monitor;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.ModelPromoted;
import io.trainyard.contracts.events.TrainingEnded;
import io.trainyard.eventing.quarkus.EventConsumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes {@code trainyard.models.promoted} (a new champion replaces the reference), {@code
 * trainyard.datasets.ingested} (the latest version a retrain trains on) and {@code
 * trainyard.training.ended} (a requested retrain ended), each through the inbox: a redelivered
 * event has one effect. {@code trainyard.inference.observed} comes in batches ({@link
 * InferenceBatches}).
 */
@ApplicationScoped
public class DriftListeners {

  public static final String MODELS_PROMOTED = "models-promoted";
  public static final String INFERENCE_OBSERVED = "inference-observed";
  public static final String DATASETS_INGESTED = "datasets-ingested";
  public static final String TRAINING_ENDED = "training-ended";

  private final EventConsumer events;
  private final ReferenceService references;
  private final RetrainPolicy retrain;

  public DriftListeners(EventConsumer events, ReferenceService references, RetrainPolicy retrain) {
    this.events = events;
    this.references = references;
    this.retrain = retrain;
  }

  @Incoming(MODELS_PROMOTED)
  @Blocking(ordered = true)
  CompletionStage<Void> onPromoted(Message<byte[]> message) {
    return events.handle(
        message, Topic.MODELS_PROMOTED, ModelPromoted.class, references::onPromoted);
  }

  @Incoming(DATASETS_INGESTED)
  @Blocking(ordered = true)
  CompletionStage<Void> onIngested(Message<byte[]> message) {
    return events.handle(
        message, Topic.DATASETS_INGESTED, DatasetIngested.class, retrain::onIngested);
  }

  @Incoming(TRAINING_ENDED)
  @Blocking(ordered = true)
  CompletionStage<Void> onEnded(Message<byte[]> message) {
    return events.handle(message, Topic.TRAINING_ENDED, TrainingEnded.class, retrain::onEnded);
  }
}
