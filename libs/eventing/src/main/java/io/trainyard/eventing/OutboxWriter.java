package io.trainyard.eventing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.InvalidPayloadException;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.RecordKeys;
import io.trainyard.contracts.Schemas;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.PipelineEvent;
import io.trainyard.contracts.spec.PipelineSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Appends events to the outbox in the caller's transaction, on the caller's connection: the event
 * is committed (or rolled back) together with the state change it announces, and the {@link
 * OutboxRelay} publishes it after the commit.
 *
 * <ul>
 *   <li>the id is derived from the business key ({@link EventIds}), so a re-sent event is the same
 *       event; appending an id that is already in the outbox is a no-op ({@link
 *       OutboxEvent#appended()} is then {@code false});
 *   <li>the record key comes from {@link RecordKeys}, the subject is the pipeline;
 *   <li>the payload is validated against its schema first: an invalid event is never written
 *       ({@link InvalidPayloadException}); nor is one larger than {@link #MAX_EVENT_BYTES};
 *   <li>while a handler runs ({@link CurrentEvent}) the event is a child of the handled one, else
 *       it starts a chain; an event without trace context gets a new W3C {@code traceparent}.
 * </ul>
 *
 * <p>Thread-safe and stateless apart from its settings.
 */
public final class OutboxWriter {

  /** The row and its entry in the relay's queue, in one statement; 0 rows when the id exists. */
  static final String INSERT =
      "WITH appended AS (INSERT INTO outbox (event_id, topic, record_key, headers, payload)"
          + " VALUES (?, ?, ?, ?::jsonb, ?) ON CONFLICT (event_id) DO NOTHING RETURNING seq)"
          + " INSERT INTO outbox_pending (seq) SELECT seq FROM appended";

  /**
   * The largest payload plus headers an event may have: below Kafka's default 1 MB request and
   * message limits, so that the relay can always publish what was committed. Large data goes to the
   * object store; events carry its URI.
   */
  public static final int MAX_EVENT_BYTES = 900_000;

  private final String source;
  private final Function<Topic, String> topicNames;

  /**
   * @param source this service's CloudEvent source, e.g. {@code Sources.INGESTION}
   */
  public OutboxWriter(String source) {
    this(source, Topic::topicName);
  }

  /**
   * @param source this service's CloudEvent source
   * @param topicNames the Kafka topic of each catalogue topic (tests use a unique name per run)
   */
  public OutboxWriter(String source, Function<Topic, String> topicNames) {
    if (source == null || source.isBlank()) {
      throw new IllegalArgumentException("an outbox needs the service's CloudEvent source");
    }
    this.source = source;
    this.topicNames = Objects.requireNonNull(topicNames, "topicNames");
  }

  /** The CloudEvent source of every event this writer builds. */
  public String source() {
    return source;
  }

  /** The Kafka topic name events of {@code topic} are published on. */
  public String topicName(Topic topic) {
    return topicNames.apply(topic);
  }

  /**
   * Appends an event: a child of the event being handled on this thread ({@link CurrentEvent}), or
   * the first event of a new chain outside a handler.
   *
   * @param businessKey the parts of the business key the id is derived from (see {@link EventIds})
   */
  public OutboxEvent append(
      Connection connection, Topic topic, Object payload, Object... businessKey)
      throws SQLException {
    return appendChildOf(
        connection, CurrentEvent.envelope().orElse(null), topic, payload, businessKey);
  }

  /**
   * Appends an event caused by {@code parent}: same correlation id, causation id = the parent's id,
   * trace context carried. A {@code null} parent starts a chain.
   */
  public OutboxEvent appendChildOf(
      Connection connection, Envelope parent, Topic topic, Object payload, Object... businessKey)
      throws SQLException {
    return appendEnvelope(
        connection, topic, envelope(parent, topic, payload, businessKey), payload);
  }

  /** Appends an event that starts a chain, even while a handler runs (e.g. an operator command). */
  public OutboxEvent appendRoot(
      Connection connection, Topic topic, Object payload, Object... businessKey)
      throws SQLException {
    return appendChildOf(connection, null, topic, payload, businessKey);
  }

  /**
   * Appends an event with an envelope the caller built. Its type must be the topic's; a missing
   * trace context is generated.
   */
  public OutboxEvent appendEnvelope(
      Connection connection, Topic topic, Envelope envelope, Object payload) throws SQLException {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(envelope, "envelope");
    Objects.requireNonNull(payload, "payload");
    if (!topic.carriesCloudEvents()) {
      throw new IllegalArgumentException(topic.topicName() + " does not carry CloudEvents");
    }
    if (!envelope.type().equals(topic.ceType())) {
      throw new IllegalArgumentException(
          "an event of type "
              + envelope.type()
              + " does not belong on "
              + topic.topicName()
              + " ("
              + topic.ceType()
              + ")");
    }
    if (!Traceparents.isValid(envelope.traceparent())) {
      envelope = envelope.withTraceparent(Traceparents.generate());
    }
    // The key first: it also refuses a payload record that does not belong on the topic.
    String key = RecordKeys.keyFor(topic, payload);
    JsonNode tree = payload instanceof JsonNode node ? node : Json.toTree(payload);
    Schemas.requireValid(topic, tree);
    String topicName = topicNames.apply(topic);
    String headers = headersJson(envelope);
    byte[] value = bytes(tree);
    if (value.length + headers.length() > MAX_EVENT_BYTES) {
      throw new IllegalArgumentException(
          "event "
              + envelope.id()
              + " is "
              + (value.length + headers.length())
              + " bytes; at most "
              + MAX_EVENT_BYTES
              + " fit in a Kafka record: put large data in the object store and send its URI");
    }
    try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
      insert.setString(1, envelope.id());
      insert.setString(2, topicName);
      insert.setString(3, key);
      insert.setString(4, headers);
      insert.setBytes(5, value);
      return new OutboxEvent(envelope, topicName, key, insert.executeUpdate() == 1);
    }
  }

  /**
   * The envelope {@link #appendChildOf} writes: the id from the business key, this writer's source,
   * the pipeline as subject; a child of {@code parent}, or a root when it is {@code null}.
   */
  public Envelope envelope(Envelope parent, Topic topic, Object payload, Object... businessKey) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    String id = EventIds.of(topic, businessKey);
    String subject = subjectOf(topic, payload);
    Envelope envelope =
        parent == null
            ? Envelope.root(topic, id, source, subject)
            : parent.child(topic, id, source, subject);
    if (!Traceparents.isValid(envelope.traceparent())) {
      envelope = envelope.withTraceparent(Traceparents.generate());
    }
    return envelope;
  }

  /** The headers as stored in {@code outbox.headers}: {@code [[name, value], ...]}, in order. */
  static String headersJson(Envelope envelope) {
    ArrayNode headers = Json.mapper().createArrayNode();
    for (Map.Entry<String, String> header : envelope.textHeaders().entrySet()) {
      headers.addArray().add(header.getKey()).add(header.getValue());
    }
    return headers.toString();
  }

  private static byte[] bytes(JsonNode tree) {
    try {
      return Json.mapper().writeValueAsBytes(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialize the payload", e);
    }
  }

  /** The pipeline an event is about: its {@code pipeline} field, or the spec's name. */
  private static String subjectOf(Topic topic, Object payload) {
    if (payload instanceof PipelineEvent event) {
      return event.pipeline();
    }
    if (payload instanceof PipelineSpec spec) {
      return spec.name();
    }
    if (payload instanceof JsonNode node) {
      JsonNode pipeline = node.get(topic == Topic.PIPELINES ? "name" : "pipeline");
      return pipeline != null && pipeline.isTextual() ? pipeline.asText() : null;
    }
    return null;
  }
}
