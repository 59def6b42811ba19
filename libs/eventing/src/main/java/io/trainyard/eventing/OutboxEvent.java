package io.trainyard.eventing;

import io.trainyard.contracts.Envelope;

/**
 * An event appended to the outbox.
 *
 * @param envelope its CloudEvent attributes
 * @param topic the Kafka topic it is published on
 * @param key its record key
 * @param appended {@code true} when this call wrote it; {@code false} when an event with the same
 *     id was already in the outbox (the earlier one stands)
 */
public record OutboxEvent(Envelope envelope, String topic, String key, boolean appended) {

  /** The CloudEvent id. */
  public String id() {
    return envelope.id();
  }
}
