package io.trainyard.eventing;

/**
 * The headers a dead-lettered record carries besides its original ones (UTF-8 text). The record
 * keeps its key, value and original headers, so that it can be replayed to its topic as it was.
 */
public final class DeadLetterHeaders {

  /**
   * Why: {@code invalid-envelope: ...}, {@code schema-invalid: $.x: ...}, {@code poison: ...} or
   * {@code handler-failed: SimpleClassName: message}.
   */
  public static final String REASON = "trainyard_dlq_reason";

  /** The failure: fully qualified class name and message. */
  public static final String EXCEPTION = "trainyard_dlq_exception";

  /** The topic the record was read from. */
  public static final String TOPIC = "trainyard_dlq_topic";

  /** Its partition (decimal). */
  public static final String PARTITION = "trainyard_dlq_partition";

  /** Its offset (decimal). */
  public static final String OFFSET = "trainyard_dlq_offset";

  /** The service that gave up on it. */
  public static final String SERVICE = "trainyard_dlq_service";

  /** When (RFC 3339, UTC). */
  public static final String TIME = "trainyard_dlq_time";

  private DeadLetterHeaders() {}
}
