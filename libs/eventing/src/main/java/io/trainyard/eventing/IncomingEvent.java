package io.trainyard.eventing;

import io.trainyard.contracts.Envelope;

/**
 * A consumed event, validated against its schema, as a handler sees it.
 *
 * @param envelope its CloudEvent attributes; {@code null} only for a tombstone without headers on a
 *     compacted topic
 * @param payload the payload record; {@code null} for a tombstone on a compacted topic
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset
 * @param key its record key
 */
public record IncomingEvent<T>(
    Envelope envelope, T payload, String topic, int partition, long offset, String key) {

  /** The CloudEvent id. */
  public String id() {
    return envelope == null ? null : envelope.id();
  }

  /** The pipeline the event is about ({@code ce_subject}). */
  public String subject() {
    return envelope == null ? null : envelope.subject();
  }

  /** Whether this is a tombstone (a deletion on a compacted topic). */
  public boolean isTombstone() {
    return payload == null;
  }
}
