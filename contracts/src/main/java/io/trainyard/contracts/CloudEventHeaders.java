package io.trainyard.contracts;

/**
 * Kafka header names of CloudEvents 1.0 in binary mode (the CloudEvents Kafka protocol binding):
 * {@code ce_} + the attribute name; the data content type is the {@code content-type} header.
 * Values are UTF-8 text.
 */
public final class CloudEventHeaders {

  public static final String SPEC_VERSION = "ce_specversion";
  public static final String ID = "ce_id";
  public static final String TYPE = "ce_type";
  public static final String SOURCE = "ce_source";
  public static final String SUBJECT = "ce_subject";
  public static final String TIME = "ce_time";
  public static final String CONTENT_TYPE = "content-type";

  /** Extension: the id of the chain an event belongs to (e.g. one retrain). */
  public static final String CORRELATION_ID = "ce_correlationid";

  /** Extension: the id of the event that caused this one. */
  public static final String CAUSATION_ID = "ce_causationid";

  /** Extension (distributed tracing): W3C trace context. */
  public static final String TRACEPARENT = "ce_traceparent";

  /** The only supported {@code ce_specversion}. */
  public static final String SPEC_VERSION_1_0 = "1.0";

  /** The content type of every Trainyard payload. */
  public static final String APPLICATION_JSON = "application/json";

  private CloudEventHeaders() {}
}
