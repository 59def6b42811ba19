package io.trainyard.drift.monitor;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.eventing.ConsumedRecord;
import io.trainyard.eventing.EventProcessor;
import io.trainyard.eventing.Failures;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.RetriesExhaustedException;
import io.trainyard.eventing.RetryPolicy;
import io.trainyard.eventing.quarkus.EventingSettings;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code trainyard.inference.observed} in batches (one poll, up to {@code
 * max.poll.records}) and applies each batch to the windows in one transaction, together with the
 * partitions' next offsets ({@link DriftOffset}); when it is assigned a partition the consumer
 * seeks to that offset ({@link InferenceOffsets}), so a batch applied before a crash is never
 * applied again. Records are checked as every consumer checks them (envelope, type, schema: {@link
 * EventProcessor#decode}); a rejected or poison record is dead-lettered with its reason and the
 * batch goes on. An event id seen among the last {@code trainyard.drift.recent-ids} events is
 * skipped (a producer's re-send).
 *
 * <p>A transient failure (database, object store) retries the batch; any other failure of the
 * batch's transaction applies its events one per transaction instead, and dead-letters the one that
 * fails ({@code handler-failed: ...}).
 */
@ApplicationScoped
public class InferenceBatches {

  private static final Logger LOG = Logger.getLogger(InferenceBatches.class);

  private final EventProcessor processor;
  private final DriftMonitor monitor;
  private final RetryPolicy retry;
  private final RecentIds recent;
  private final AtomicLong duplicates = new AtomicLong();

  public InferenceBatches(
      EventProcessor processor,
      DriftMonitor monitor,
      EventingSettings settings,
      @ConfigProperty(name = "trainyard.drift.recent-ids", defaultValue = "100000") int recentIds) {
    this.processor = processor;
    this.monitor = monitor;
    this.retry = settings.retryPolicy();
    this.recent = new RecentIds(recentIds);
  }

  /** An event to apply, with its record. */
  private record Candidate(ConsumedRecord record, IncomingEvent<InferenceObserved> event) {}

  @Incoming(DriftListeners.INFERENCE_OBSERVED)
  @Blocking(ordered = true)
  CompletionStage<Void> onBatch(Message<List<byte[]>> message) {
    @SuppressWarnings("unchecked")
    IncomingKafkaRecordBatchMetadata<String, byte[]> batch =
        message.getMetadata(IncomingKafkaRecordBatchMetadata.class).orElse(null);
    if (batch == null) {
      return message.nack(
          new IllegalStateException("inference-observed must be a batch channel (batch=true)"));
    }
    try {
      apply(batch.getRecords());
      return message.ack();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return message.nack(e);
    } catch (RuntimeException | RetriesExhaustedException e) {
      LOG.errorf(e, "cannot apply a batch of %d inference events", batch.count());
      return message.nack(e);
    }
  }

  /** Applies one poll's records: offsets and windows in one transaction. */
  void apply(Iterable<ConsumerRecord<String, byte[]>> records)
      throws RetriesExhaustedException, InterruptedException {
    Map<String, Map<Integer, Long>> stored = new HashMap<>();
    Map<TopicPartition, Long> next = new HashMap<>();
    List<Candidate> candidates = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    ConsumedRecord first = null;
    for (ConsumerRecord<String, byte[]> r : records) {
      Map<Integer, Long> offsets =
          stored.computeIfAbsent(
              r.topic(), t -> QuarkusTransaction.requiringNew().call(() -> DriftOffset.of(t)));
      if (r.offset() < offsets.getOrDefault(r.partition(), 0L)) {
        duplicates.incrementAndGet();
        continue;
      }
      next.merge(new TopicPartition(r.topic(), r.partition()), r.offset() + 1, Math::max);
      ConsumedRecord record = ConsumedRecord.of(r);
      first = first == null ? record : first;
      EventProcessor.Decoded<InferenceObserved> decoded =
          processor.decode(record, Topic.INFERENCE_OBSERVED, InferenceObserved.class);
      if (decoded.rejected()) {
        processor.deadLetter(record, decoded.rejection(), decoded.cause());
        continue;
      }
      String id = decoded.event().envelope().source() + " " + decoded.event().id();
      if (recent.contains(id) || !ids.add(id)) {
        duplicates.incrementAndGet();
        continue;
      }
      candidates.add(new Candidate(record, decoded.event()));
    }
    if (next.isEmpty()) {
      return;
    }
    try {
      inTransaction(first, candidates, next, true);
    } catch (NotTransientException e) {
      LOG.warnf(
          e.getCause(),
          "a batch of %d inference events failed; applying them one at a time",
          candidates.size());
      for (Candidate candidate : candidates) {
        try {
          inTransaction(candidate.record(), List.of(candidate), Map.of(), true);
        } catch (NotTransientException single) {
          processor.deadLetter(
              candidate.record(), EventProcessor.reasonOf(single.getCause()), single.getCause());
        }
      }
      try {
        inTransaction(first, List.of(), next, false);
      } catch (NotTransientException offsets) {
        throw new IllegalStateException("cannot store the batch's offsets", offsets.getCause());
      }
    }
    candidates.forEach(c -> recent.add(key(c)));
  }

  private static String key(Candidate candidate) {
    return candidate.event().envelope().source() + " " + candidate.event().id();
  }

  /** A failure of a batch's transaction that retrying will not mend. */
  private static final class NotTransientException extends Exception {
    NotTransientException(Throwable cause) {
      super(cause);
    }
  }

  private void inTransaction(
      ConsumedRecord first,
      List<Candidate> candidates,
      Map<TopicPartition, Long> next,
      boolean deadLetterPoison)
      throws RetriesExhaustedException, InterruptedException, NotTransientException {
    for (int attempt = 1; ; attempt++) {
      List<Candidate> poison = new ArrayList<>();
      Map<Candidate, PoisonEventException> reasons = new HashMap<>();
      try {
        QuarkusTransaction.requiringNew()
            .run(
                () -> {
                  for (Candidate candidate : candidates) {
                    try {
                      monitor.onObserved(candidate.event().payload());
                    } catch (PoisonEventException e) {
                      poison.add(candidate);
                      reasons.put(candidate, e);
                    }
                  }
                  next.forEach(
                      (tp, offset) -> DriftOffset.advance(tp.topic(), tp.partition(), offset));
                });
      } catch (RuntimeException e) {
        if (!Failures.isTransient(e)) {
          throw new NotTransientException(e);
        }
        if (attempt >= retry.maxAttempts()) {
          throw new RetriesExhaustedException(first, attempt, e);
        }
        Thread.sleep(retry.backoff(attempt).toMillis());
        continue;
      }
      if (deadLetterPoison) {
        for (Candidate candidate : poison) {
          processor.deadLetter(
              candidate.record(),
              EventProcessor.reasonOf(reasons.get(candidate)),
              reasons.get(candidate));
        }
      }
      return;
    }
  }

  /** Records skipped: already applied (offset) or re-sent (event id). */
  long duplicates() {
    return duplicates.get();
  }
}
