package io.trainyard.eventing;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Catalogue;
import io.trainyard.contracts.CloudEventHeaders;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.InvalidEnvelopeException;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Schemas;
import io.trainyard.contracts.Topic;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Processes one consumed record exactly once in effect:
 *
 * <ol>
 *   <li>reads the CloudEvent envelope from the headers; a broken one is dead-lettered ({@code
 *       invalid-envelope: ...});
 *   <li>checks that {@code ce_type} is the topic's, validates the payload against its schema and
 *       converts it; an invalid one is dead-lettered ({@code schema-invalid: $.x: ...});
 *   <li>in one transaction: records the event in the {@link Inbox} (a redelivery stops here: {@link
 *       Outcome#DUPLICATE}), runs the handler with the event as {@link CurrentEvent} (so the events
 *       it publishes are its children), and commits.
 * </ol>
 *
 * <p>A transient failure ({@link Failures#isTransient}) retries the whole transaction with backoff
 * ({@link RetryPolicy}); when retries run out, {@link RetriesExhaustedException} is thrown and the
 * record must not be acknowledged: it is not the record's fault, so it is not dead-lettered either.
 * Any other failure of the handler dead-letters the record at once ({@code poison: ...} or {@code
 * handler-failed: ...}). A dead letter is acknowledged by the broker before this returns, so the
 * caller may then acknowledge the source record and go on with the next one.
 *
 * <p>Thread-safe: one instance serves every channel of a service.
 */
public final class EventProcessor {

  private static final System.Logger LOG = System.getLogger(EventProcessor.class.getName());

  /** What became of a record. */
  public enum Outcome {
    /** The handler ran and its transaction committed. */
    PROCESSED,
    /** The event was handled before (same source and id): nothing was done. */
    DUPLICATE,
    /** The record went to the dead-letter topic. */
    DEAD_LETTERED
  }

  private final TransactionRunner transactions;
  private final DeadLetterPublisher deadLetters;
  private final RetryPolicy retry;
  private final Runnable afterCommit;
  private final Inbox inbox = new Inbox();

  private final LongAdder processed = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder deadLettered = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder exhausted = new LongAdder();

  /**
   * @param transactions runs each attempt in a new transaction
   * @param deadLetters where records that cannot be processed go
   * @param retry how transient failures are retried
   * @param afterCommit run after each committed handler transaction (e.g. {@link
   *     OutboxRelay#signal()}); may be {@code null}
   */
  public EventProcessor(
      TransactionRunner transactions,
      DeadLetterPublisher deadLetters,
      RetryPolicy retry,
      Runnable afterCommit) {
    this.transactions = Objects.requireNonNull(transactions, "transactions");
    this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.afterCommit = afterCommit == null ? () -> {} : afterCommit;
  }

  /**
   * Processes a record of {@code topic} whose payload is a {@code type} (the catalogue's payload
   * record of the topic, or {@link JsonNode}).
   *
   * @throws RetriesExhaustedException when a transient failure outlasted the retries: do not
   *     acknowledge the record
   * @throws InterruptedException when the thread was interrupted while waiting to retry
   */
  public <T> Outcome process(
      ConsumedRecord record, Topic topic, Class<T> type, EventHandler<T> handler)
      throws RetriesExhaustedException, InterruptedException {
    Objects.requireNonNull(handler, "handler");
    return process(record, topic, type, (connection, event) -> handler.handle(event));
  }

  /** {@link #process(ConsumedRecord, Topic, Class, EventHandler)} for a JDBC handler. */
  public <T> Outcome process(
      ConsumedRecord record, Topic topic, Class<T> type, JdbcEventHandler<T> handler)
      throws RetriesExhaustedException, InterruptedException {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(handler, "handler");
    requireReadable(topic, type);

    IncomingEvent<T> event;
    try {
      event = read(record, topic, type);
    } catch (Rejected rejected) {
      return deadLetterWithRetries(record, rejected.reason, rejected.getCause());
    }

    for (int attempt = 1; ; attempt++) {
      try {
        boolean first =
            transactions.inTransaction(
                connection -> {
                  Envelope envelope = event.envelope();
                  if (envelope != null
                      && !inbox.firstDelivery(
                          connection, envelope.source(), envelope.id(), record.topic())) {
                    return false;
                  }
                  CurrentEvent.callAs(
                      envelope,
                      () -> {
                        handler.handle(connection, event);
                        return null;
                      });
                  return true;
                });
        if (!first) {
          duplicates.increment();
          return Outcome.DUPLICATE;
        }
        processed.increment();
        afterCommit.run();
        return Outcome.PROCESSED;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (!Failures.isTransient(e)) {
          return deadLetterWithRetries(record, reasonFor(e), e);
        }
        if (attempt >= retry.maxAttempts()) {
          exhausted.increment();
          throw new RetriesExhaustedException(record, attempt, e);
        }
        retries.increment();
        LOG.log(
            Level.DEBUG,
            () -> record.position() + ": transient failure, retrying: " + Failures.describe(e));
        Thread.sleep(retry.backoff(attempt).toMillis());
      }
    }
  }

  /**
   * A record read and checked (envelope, type, schema): the event, or why it cannot be handled.
   *
   * @param event the event; null when rejected
   * @param rejection the dead-letter reason ({@code invalid-envelope: ...}, {@code schema-invalid:
   *     ...}); null when read
   * @param cause what made it fail, if anything
   */
  public record Decoded<T>(IncomingEvent<T> event, String rejection, Throwable cause) {
    public boolean rejected() {
      return event == null;
    }
  }

  /**
   * Reads and checks a record as {@link #process} does, without handling it: for a consumer that
   * handles a batch of records in one transaction of its own (and keeps its own offsets), which
   * then dead-letters rejected records with {@link #deadLetter}.
   */
  public <T> Decoded<T> decode(ConsumedRecord record, Topic topic, Class<T> type) {
    Objects.requireNonNull(record, "record");
    requireReadable(topic, type);
    try {
      return new Decoded<>(read(record, topic, type), null, null);
    } catch (Rejected rejected) {
      return new Decoded<>(null, rejected.reason, rejected.getCause());
    }
  }

  /**
   * Sends a record to its dead-letter topic with {@code reason}, and waits for the broker's
   * acknowledgement (retried as {@link #process} retries).
   *
   * @throws RetriesExhaustedException when the dead letter could not be written: do not acknowledge
   *     the record
   */
  public Outcome deadLetter(ConsumedRecord record, String reason, Throwable failure)
      throws RetriesExhaustedException, InterruptedException {
    return deadLetterWithRetries(record, reason, failure);
  }

  /** {@code poison: <message>} for a poison failure, else {@code handler-failed: ...}. */
  public static String reasonOf(Throwable failure) {
    return reasonFor(failure);
  }

  /** Records whose handler transaction committed. */
  public long processed() {
    return processed.sum();
  }

  /** Records skipped as redeliveries. */
  public long duplicates() {
    return duplicates.sum();
  }

  /** Records sent to a dead-letter topic. */
  public long deadLettered() {
    return deadLettered.sum();
  }

  /** Attempts retried after a transient failure. */
  public long retries() {
    return retries.sum();
  }

  /** Records given up on after retries ran out (neither processed nor dead-lettered). */
  public long exhausted() {
    return exhausted.sum();
  }

  private Outcome deadLetterWithRetries(ConsumedRecord record, String reason, Throwable failure)
      throws RetriesExhaustedException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        deadLetters.publish(record, reason, failure);
        deadLettered.increment();
        LOG.log(
            Level.WARNING,
            () ->
                record.position()
                    + " sent to "
                    + DeadLetterPublisher.dlqTopic(record.topic())
                    + ": "
                    + reason);
        return Outcome.DEAD_LETTERED;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        // Without a durable dead letter the record must not be acknowledged: retry, then give up
        // on it the transient way.
        if (attempt >= retry.maxAttempts()) {
          exhausted.increment();
          throw new RetriesExhaustedException(record, attempt, e);
        }
        retries.increment();
        Thread.sleep(retry.backoff(attempt).toMillis());
      }
    }
  }

  private static void requireReadable(Topic topic, Class<?> type) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(type, "type");
    Catalogue.Entry entry = Catalogue.entry(topic);
    if (type != JsonNode.class && !type.isAssignableFrom(entry.payloadType())) {
      throw new IllegalArgumentException(
          topic.topicName()
              + " carries "
              + entry.payloadType().getSimpleName()
              + ", not "
              + type.getSimpleName());
    }
  }

  private static <T> IncomingEvent<T> read(ConsumedRecord record, Topic topic, Class<T> type)
      throws Rejected {
    if (record.value() == null && topic.retention().compacted()) {
      return new IncomingEvent<>(
          tombstoneEnvelope(record),
          null,
          record.topic(),
          record.partition(),
          record.offset(),
          record.key());
    }
    Envelope envelope;
    try {
      envelope = Envelope.fromHeaderList(record.headers());
    } catch (InvalidEnvelopeException e) {
      throw new Rejected("invalid-envelope: " + String.join("; ", e.problems()), e);
    } catch (RuntimeException e) {
      throw new Rejected("invalid-envelope: " + Failures.describe(e), e);
    }
    if (!topic.ceType().equals(envelope.type())) {
      throw new Rejected(
          "invalid-envelope: "
              + CloudEventHeaders.TYPE
              + " '"
              + envelope.type()
              + "' does not belong on "
              + topic.topicName()
              + ", which carries "
              + topic.ceType(),
          null);
    }
    if (record.value() == null) {
      throw new Rejected("schema-invalid: the record has no value", null);
    }
    JsonNode tree;
    try {
      tree = Json.readTree(record.value());
    } catch (IllegalArgumentException e) {
      throw new Rejected("schema-invalid: " + e.getMessage(), e);
    }
    List<String> reasons = Schemas.validate(topic, tree);
    if (!reasons.isEmpty()) {
      throw new Rejected(
          "schema-invalid: " + String.join("; ", reasons),
          new io.trainyard.contracts.InvalidPayloadException(topic.ceType(), reasons));
    }
    T payload;
    try {
      payload = type == JsonNode.class ? type.cast(tree) : Json.convert(tree, type);
    } catch (IllegalArgumentException e) {
      throw new Rejected("schema-invalid: " + e.getMessage(), e);
    }
    return new IncomingEvent<>(
        envelope, payload, record.topic(), record.partition(), record.offset(), record.key());
  }

  /** A tombstone may carry the envelope of the deletion; without one it is not de-duplicated. */
  private static Envelope tombstoneEnvelope(ConsumedRecord record) {
    boolean hasId =
        record.headers().stream().map(Map.Entry::getKey).anyMatch(CloudEventHeaders.ID::equals);
    if (!hasId) {
      return null;
    }
    try {
      return Envelope.fromHeaderList(record.headers());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static String reasonFor(Throwable failure) {
    Throwable poison = failure;
    while (poison != null && !(poison instanceof PoisonEventException)) {
      poison = poison.getCause() == poison ? null : poison.getCause();
    }
    if (poison != null) {
      return "poison: " + poison.getMessage();
    }
    return "handler-failed: " + Failures.describe(failure);
  }

  /** A record refused before its handler ran. */
  private static final class Rejected extends Exception {
    private final String reason;

    Rejected(String reason, Throwable cause) {
      super(reason, cause, false, false);
      this.reason = reason;
    }
  }
}
