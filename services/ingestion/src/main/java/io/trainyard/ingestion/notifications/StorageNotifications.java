package io.trainyard.ingestion.notifications;

import io.trainyard.contracts.events.Trigger;
import io.trainyard.eventing.ConsumedRecord;
import io.trainyard.eventing.DeadLetterPublisher;
import io.trainyard.eventing.Failures;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.RetriesExhaustedException;
import io.trainyard.eventing.RetryPolicy;
import io.trainyard.eventing.quarkus.EventingSettings;
import io.trainyard.ingestion.datasets.DatasetService;
import io.trainyard.ingestion.requests.IngestRequests;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns bucket notifications ({@code trainyard.storage.notifications}, S3 event records, not
 * CloudEvents) into dataset versions: an object created under {@code incoming/<pipeline>/} is
 * ingested as an ingest request with {@code objectUri s3://<bucket>/<key>} and trigger {@code data}
 * would be (the format from the key's extension, {@code .gz} allowed).
 *
 * <ul>
 *   <li>Records of other events (removals, reads) and objects outside {@code incoming/}
 *       (ingestion's own {@code datasets/...}, anything else) are skipped; so are folder markers
 *       (keys ending in {@code /}).
 *   <li>A notification that is not JSON or not in the S3 event format, a key under {@code
 *       incoming/} with an empty, {@code .} or {@code ..} segment or without a pipeline and a file
 *       name, and an object that cannot be ingested (unknown pipeline or format, missing object, a
 *       table that breaks a rule) are dead-lettered to {@code <topic>.dlq} with the reason, through
 *       the eventing {@link DeadLetterPublisher} (same headers as every dead letter).
 *   <li>A transient failure (object store or database unreachable) is retried with the eventing
 *       consumer's {@link RetryPolicy}; when it outlasts the retries, {@link
 *       RetriesExhaustedException} is thrown and the record must not be acknowledged.
 * </ul>
 *
 * <p>No inbox: a notification delivered again (or a retried one) ingests the same content, which
 * {@link DatasetService} recognises by its content hash as the existing version, so nothing is
 * written or published twice.
 */
@ApplicationScoped
public class StorageNotifications {

  private static final Logger LOG = Logger.getLogger(StorageNotifications.class);

  /** Objects under this prefix are ingested; the next segment names the pipeline. */
  public static final String INCOMING = "incoming/";

  /** What became of a notification. */
  public enum Outcome {
    /** At least one object was ingested (or found to be an existing version). */
    INGESTED,
    /** Nothing in it concerns ingestion. */
    IGNORED,
    /** It went to the dead-letter topic. */
    DEAD_LETTERED
  }

  /** An object to ingest. */
  record Drop(String pipeline, String bucket, String key) {
    String uri() {
      return "s3://" + bucket + "/" + key;
    }
  }

  private final IngestRequests requests;
  private final DeadLetterPublisher deadLetters;
  private final RetryPolicy retry;

  public StorageNotifications(
      IngestRequests requests, DeadLetterPublisher deadLetters, EventingSettings settings) {
    this.requests = requests;
    this.deadLetters = deadLetters;
    this.retry = settings.retryPolicy();
  }

  /**
   * Processes one notification record: ingests what it announces, or skips it, or dead-letters it
   * (and waits for the broker's acknowledgement of the dead letter).
   *
   * @throws RetriesExhaustedException when a transient failure outlasted the retries: do not
   *     acknowledge the record
   */
  public Outcome process(ConsumedRecord record)
      throws RetriesExhaustedException, InterruptedException {
    StorageNotification notification;
    try {
      notification = StorageNotification.parse(record.value());
    } catch (InvalidNotificationException e) {
      return deadLetter(record, "schema-invalid: " + e.getMessage(), e);
    }
    List<Drop> drops = new ArrayList<>();
    for (StorageNotification.Entry entry : notification.records()) {
      if (!entry.created()) {
        LOG.debugf("%s: %s of %s skipped", record.position(), entry.eventName(), entry.key());
        continue;
      }
      try {
        drop(entry).ifPresent(drops::add);
      } catch (PoisonEventException e) {
        return deadLetter(record, "poison: " + e.getMessage(), e);
      }
    }
    if (drops.isEmpty()) {
      LOG.debugf("%s: nothing under %s, ignored", record.position(), INCOMING);
      return Outcome.IGNORED;
    }
    for (int attempt = 1; ; attempt++) {
      Drop current = null;
      try {
        for (Drop drop : drops) {
          current = drop;
          requests.ingestObject(
              drop.pipeline(),
              drop.bucket(),
              drop.key(),
              Trigger.DATA,
              "bucket notification (" + drop.uri() + ")");
        }
        return Outcome.INGESTED;
      } catch (RuntimeException e) {
        if (!Failures.isTransient(e)) {
          return deadLetter(record, reasonFor(current, e), e);
        }
        if (attempt >= retry.maxAttempts()) {
          throw new RetriesExhaustedException(record, attempt, e);
        }
        LOG.debugf("%s: transient failure, retrying: %s", record.position(), Failures.describe(e));
        Thread.sleep(retry.backoff(attempt).toMillis());
      }
    }
  }

  /**
   * The object to ingest for a created object; empty when it is not under {@code incoming/} or is a
   * folder marker.
   *
   * @throws PoisonEventException when its key under {@code incoming/} is unusable
   */
  static Optional<Drop> drop(StorageNotification.Entry entry) {
    String key = entry.key();
    if (!key.startsWith(INCOMING) || key.endsWith("/")) {
      return Optional.empty();
    }
    String uri = "s3://" + entry.bucket() + "/" + key;
    for (String segment : key.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new PoisonEventException(uri + " has a key with an empty, '.' or '..' segment");
      }
    }
    String rest = key.substring(INCOMING.length());
    int slash = rest.indexOf('/');
    if (slash < 0) {
      throw new PoisonEventException(
          uri + " is not under a pipeline: put tables at " + INCOMING + "<pipeline>/<file>");
    }
    return Optional.of(new Drop(rest.substring(0, slash), entry.bucket(), key));
  }

  private static String reasonFor(Drop drop, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PoisonEventException) {
        return "poison: " + naming(drop, t.getMessage());
      }
    }
    return "handler-failed: " + naming(drop, Failures.describe(failure));
  }

  /** {@code message}, after the object's URI unless it names the object already. */
  private static String naming(Drop drop, String message) {
    String text = String.valueOf(message);
    return drop == null || text.contains(drop.uri()) ? text : drop.uri() + ": " + text;
  }

  private Outcome deadLetter(ConsumedRecord record, String reason, Throwable failure)
      throws RetriesExhaustedException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        deadLetters.publish(record, reason, failure);
        LOG.warnf(
            "%s sent to %s: %s",
            record.position(), DeadLetterPublisher.dlqTopic(record.topic()), reason);
        return Outcome.DEAD_LETTERED;
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        // Without a durable dead letter the record must not be acknowledged.
        if (attempt >= retry.maxAttempts()) {
          throw new RetriesExhaustedException(record, attempt, e);
        }
        Thread.sleep(retry.backoff(attempt).toMillis());
      }
    }
  }
}
