package io.trainyard.contracts;

import static io.trainyard.contracts.CloudEventHeaders.APPLICATION_JSON;
import static io.trainyard.contracts.CloudEventHeaders.CAUSATION_ID;
import static io.trainyard.contracts.CloudEventHeaders.CONTENT_TYPE;
import static io.trainyard.contracts.CloudEventHeaders.CORRELATION_ID;
import static io.trainyard.contracts.CloudEventHeaders.ID;
import static io.trainyard.contracts.CloudEventHeaders.SOURCE;
import static io.trainyard.contracts.CloudEventHeaders.SPEC_VERSION;
import static io.trainyard.contracts.CloudEventHeaders.SPEC_VERSION_1_0;
import static io.trainyard.contracts.CloudEventHeaders.SUBJECT;
import static io.trainyard.contracts.CloudEventHeaders.TIME;
import static io.trainyard.contracts.CloudEventHeaders.TRACEPARENT;
import static io.trainyard.contracts.CloudEventHeaders.TYPE;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The CloudEvents 1.0 attributes of a Trainyard event, carried as Kafka headers in binary mode (see
 * {@link CloudEventHeaders}); the record value is the JSON payload.
 *
 * <p>{@code id}, {@code type} and {@code source} are required; {@code source} + {@code id}
 * identifies an event. Every event belongs to a chain: when {@code correlationId} is not given it
 * is the event's own {@code id} (the event starts a chain). {@code time} is RFC 3339 on the wire.
 *
 * @param id the event id, derived from a business key (see {@link EventIds})
 * @param type the CloudEvent type, e.g. {@code io.trainyard.datasets.ingested.v1}
 * @param source the producer, e.g. {@link Sources#INGESTION}
 * @param subject the pipeline name; may be {@code null}
 * @param time when the event happened; may be {@code null}
 * @param dataContentType {@code application/json} when not given
 * @param correlationId the id of the chain the event belongs to; its own id when not given
 * @param causationId the id of the event that caused it; {@code null} for a chain's first event
 * @param traceparent W3C trace context; may be {@code null}
 */
public record Envelope(
    String id,
    String type,
    String source,
    String subject,
    Instant time,
    String dataContentType,
    String correlationId,
    String causationId,
    String traceparent) {

  public Envelope {
    requireText(id, "id");
    requireText(type, "type");
    requireText(source, "source");
    if (dataContentType == null) {
      dataContentType = APPLICATION_JSON;
    }
    if (correlationId == null) {
      correlationId = id;
    }
  }

  /**
   * The envelope of an event that starts a chain (an external input, an operator's command): its
   * correlation id is its own id. {@code time} is now, in milliseconds.
   */
  public static Envelope root(Topic topic, String id, String source, String subject) {
    return root(topic, id, source, subject, now());
  }

  /** {@link #root(Topic, String, String, String)} at a given time. */
  public static Envelope root(Topic topic, String id, String source, String subject, Instant time) {
    return new Envelope(
        id, topic.ceType(), source, subject, time, APPLICATION_JSON, id, null, null);
  }

  /**
   * The envelope of an event produced while handling this one: same correlation id, causation id =
   * this event's id, trace context carried over. {@code time} is now, in milliseconds.
   */
  public Envelope child(Topic topic, String id, String source, String subject) {
    return child(topic, id, source, subject, now());
  }

  /** {@link #child(Topic, String, String, String)} at a given time. */
  public Envelope child(Topic topic, String id, String source, String subject, Instant time) {
    return new Envelope(
        id,
        topic.ceType(),
        source,
        subject,
        time,
        APPLICATION_JSON,
        correlationId,
        this.id,
        traceparent);
  }

  /** This envelope with another trace context. */
  public Envelope withTraceparent(String traceparent) {
    return new Envelope(
        id, type, source, subject, time, dataContentType, correlationId, causationId, traceparent);
  }

  /** This envelope with another time. */
  public Envelope withTime(Instant time) {
    return new Envelope(
        id, type, source, subject, time, dataContentType, correlationId, causationId, traceparent);
  }

  /** The catalogue topic of {@link #type()}, if it is a Trainyard type. */
  public Optional<Topic> topic() {
    return Topic.byCeType(type);
  }

  /** The Kafka headers, in a fixed order; absent attributes have no header. */
  public Map<String, byte[]> toHeaders() {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : textHeaders().entrySet()) {
      headers.put(e.getKey(), e.getValue().getBytes(StandardCharsets.UTF_8));
    }
    return Collections.unmodifiableMap(headers);
  }

  /** The Kafka headers as an ordered list of name/value pairs. */
  public List<Map.Entry<String, byte[]>> toHeaderList() {
    List<Map.Entry<String, byte[]>> list = new ArrayList<>();
    toHeaders().forEach((k, v) -> list.add(new AbstractMap.SimpleImmutableEntry<>(k, v)));
    return List.copyOf(list);
  }

  /** The headers as text, in a fixed order; absent attributes left out. */
  public Map<String, String> textHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(SPEC_VERSION, SPEC_VERSION_1_0);
    headers.put(ID, id);
    headers.put(TYPE, type);
    headers.put(SOURCE, source);
    putIfPresent(headers, SUBJECT, subject);
    if (time != null) {
      headers.put(TIME, DateTimeFormatter.ISO_INSTANT.format(time));
    }
    headers.put(CONTENT_TYPE, dataContentType);
    headers.put(CORRELATION_ID, correlationId);
    putIfPresent(headers, CAUSATION_ID, causationId);
    putIfPresent(headers, TRACEPARENT, traceparent);
    return Collections.unmodifiableMap(headers);
  }

  /**
   * Reads an envelope from Kafka headers.
   *
   * @throws InvalidEnvelopeException naming every missing or malformed header: {@code
   *     ce_specversion} (must be 1.0), {@code ce_id}, {@code ce_type}, {@code ce_source}, an
   *     unparsable {@code ce_time}, or a structured-mode {@code content-type}
   */
  public static Envelope fromHeaders(Map<String, byte[]> headers) {
    Objects.requireNonNull(headers, "headers");
    return fromHeaderLookup(headers::get);
  }

  /**
   * Reads an envelope from an ordered list of Kafka headers; when a name repeats, the last value
   * wins (as Kafka's {@code Headers.lastHeader}).
   */
  public static Envelope fromHeaderList(Iterable<? extends Map.Entry<String, byte[]>> headers) {
    Objects.requireNonNull(headers, "headers");
    Map<String, byte[]> last = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> header : headers) {
      last.put(header.getKey(), header.getValue());
    }
    return fromHeaders(last);
  }

  /**
   * Reads an envelope through a header lookup, e.g. {@code name -> { Header h =
   * record.headers().lastHeader(name); return h == null ? null : h.value(); }}.
   */
  public static Envelope fromHeaderLookup(Function<String, byte[]> header) {
    List<String> problems = new ArrayList<>();
    String specVersion = text(header, SPEC_VERSION);
    if (specVersion == null) {
      problems.add(SPEC_VERSION + " is missing (expected " + SPEC_VERSION_1_0 + ")");
    } else if (!SPEC_VERSION_1_0.equals(specVersion)) {
      problems.add(
          SPEC_VERSION + " is '" + specVersion + "', only " + SPEC_VERSION_1_0 + " is supported");
    }
    String id = required(header, ID, problems);
    String type = required(header, TYPE, problems);
    String source = required(header, SOURCE, problems);
    String subject = text(header, SUBJECT);
    Instant time = null;
    String timeText = text(header, TIME);
    if (timeText != null) {
      try {
        time = OffsetDateTime.parse(timeText.toUpperCase(Locale.ROOT)).toInstant();
      } catch (DateTimeParseException e) {
        problems.add(TIME + " '" + timeText + "' is not an RFC 3339 date-time");
      }
    }
    String contentType = text(header, CONTENT_TYPE);
    if (contentType != null
        && contentType.toLowerCase(Locale.ROOT).startsWith("application/cloudevents")) {
      problems.add(
          CONTENT_TYPE
              + " '"
              + contentType
              + "' is structured mode; Trainyard uses binary mode (ce_* headers)");
    }
    if (!problems.isEmpty()) {
      throw new InvalidEnvelopeException(problems);
    }
    return new Envelope(
        id,
        type,
        source,
        subject,
        time,
        contentType,
        text(header, CORRELATION_ID),
        text(header, CAUSATION_ID),
        text(header, TRACEPARENT));
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  private static String required(
      Function<String, byte[]> header, String name, List<String> problems) {
    String value = text(header, name);
    if (value == null) {
      problems.add(name + " is missing");
    }
    return value;
  }

  private static String text(Function<String, byte[]> header, String name) {
    byte[] value = header.apply(name);
    if (value == null) {
      return null;
    }
    String text = new String(value, StandardCharsets.UTF_8).strip();
    return text.isEmpty() ? null : text;
  }

  private static void putIfPresent(Map<String, String> headers, String name, String value) {
    if (value != null) {
      headers.put(name, value);
    }
  }

  private static void requireText(String value, String name) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("CloudEvent " + name + " is required");
    }
  }
}
