package io.trainyard.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.events.PipelineEvent;
import io.trainyard.contracts.events.TrainingCancelRequested;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.spec.PipelineSpec;
import java.util.Objects;

/**
 * Kafka record keys: the pipeline name, so one pipeline's events stay in order; except on {@code
 * trainyard.training.requested}, keyed by run id so runs spread over partitions and workers, and
 * {@code trainyard.training.cancel-requested}, keyed by run id too (the console does not know a
 * run's pipeline).
 */
public final class RecordKeys {

  private RecordKeys() {}

  /**
   * The payload field holding the record key of {@code topic}: {@code name} (the spec on {@code
   * trainyard.pipelines}), {@code runId} ({@code trainyard.training.requested}) or {@code
   * pipeline}.
   */
  public static String keyField(Topic topic) {
    return switch (topic) {
      case PIPELINES -> "name";
      case TRAINING_REQUESTED, TRAINING_CANCEL_REQUESTED -> "runId";
      default -> "pipeline";
    };
  }

  /**
   * The record key of a payload on {@code topic}.
   *
   * @throws IllegalArgumentException when the payload does not belong on the topic
   */
  public static String keyFor(Topic topic, Object payload) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    if (payload instanceof JsonNode node) {
      return keyFor(topic, node);
    }
    Catalogue.find(topic)
        .ifPresent(
            entry -> {
              if (!entry.payloadType().isInstance(payload)) {
                throw new IllegalArgumentException(
                    payload.getClass().getSimpleName()
                        + " does not belong on "
                        + topic.topicName()
                        + ", which carries "
                        + entry.payloadType().getSimpleName());
              }
            });
    if (topic == Topic.TRAINING_REQUESTED && payload instanceof TrainingRequested request) {
      return request.runId();
    }
    if (payload instanceof TrainingCancelRequested cancel) {
      return cancel.runId();
    }
    if (payload instanceof PipelineSpec spec) {
      return spec.name();
    }
    if (payload instanceof PipelineEvent event) {
      return event.pipeline();
    }
    throw new IllegalArgumentException(
        "no record key for " + payload.getClass().getName() + " on " + topic.topicName());
  }

  /** The record key of a JSON payload on {@code topic}: the text of {@link #keyField(Topic)}. */
  public static String keyFor(Topic topic, JsonNode payload) {
    JsonNode key = payload.get(keyField(topic));
    if (key == null || !key.isTextual() || key.asText().isEmpty()) {
      throw new IllegalArgumentException(
          "payload on " + topic.topicName() + " has no '" + keyField(topic) + "' to key it by");
    }
    return key.asText();
  }
}
