package io.trainyard.eventing.quarkus;

import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.trainyard.contracts.Topic;
import io.trainyard.eventing.ConsumedRecord;
import io.trainyard.eventing.EventHandler;
import io.trainyard.eventing.EventProcessor;
import io.trainyard.eventing.RetriesExhaustedException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Runs a SmallRye Kafka channel's records through the {@link EventProcessor}: envelope and schema
 * checks, inbox de-duplication, the handler in a new transaction, retries, dead letters. The record
 * is acknowledged only after its transaction committed (or its dead letter was acknowledged by the
 * broker); when a transient failure outlasts the retries it is nacked, which (with the default
 * {@code failure-strategy=fail}) stops the channel without committing its offset, so that it is
 * delivered again after a restart.
 *
 * <pre>{@code
 * @Incoming("training-requested")
 * @Blocking(ordered = true)
 * CompletionStage<Void> onTrainingRequested(Message<byte[]> message) {
 *   return events.handle(message, Topic.TRAINING_REQUESTED, TrainingRequested.class,
 *       event -> runs.start(event.payload()));
 * }
 * }</pre>
 */
@ApplicationScoped
public class EventConsumer {

  private static final Logger LOG = Logger.getLogger(EventConsumer.class);

  @Inject EventProcessor processor;

  /**
   * Processes one message of a Kafka channel, then acknowledges or nacks it.
   *
   * @param message a message of a {@code smallrye-kafka} channel with a {@code
   *     ByteArrayDeserializer} value
   * @param topic the catalogue topic the channel reads
   * @param type the payload record of {@code topic} (or {@code JsonNode})
   * @param handler what to do with it, in the event's transaction
   */
  public <T> CompletionStage<Void> handle(
      Message<byte[]> message, Topic topic, Class<T> type, EventHandler<T> handler) {
    if (io.vertx.core.Context.isOnEventLoopThread()) {
      return message.nack(
          new IllegalStateException(
              "EventConsumer.handle blocks (database, retries): annotate the @Incoming method"
                  + " with @Blocking(ordered = true)"));
    }
    ConsumedRecord record;
    try {
      record = record(message);
    } catch (RuntimeException e) {
      return message.nack(e);
    }
    try {
      processor.process(record, topic, type, handler);
      return message.ack();
    } catch (RetriesExhaustedException e) {
      LOG.errorf(
          "%s: giving up for now, the record will be delivered again: %s",
          record.position(), e.getMessage());
      return message.nack(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return message.nack(e);
    } catch (RuntimeException e) {
      LOG.errorf(e, "%s: cannot process", record.position());
      return message.nack(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static ConsumedRecord record(Message<byte[]> message) {
    IncomingKafkaRecordMetadata<Object, byte[]> metadata =
        message
            .getMetadata(IncomingKafkaRecordMetadata.class)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "not a Kafka record: the channel must use the smallrye-kafka connector"));
    Object key = metadata.getKey();
    String textKey =
        key == null
            ? null
            : key instanceof byte[] bytes
                ? new String(bytes, StandardCharsets.UTF_8)
                : key.toString();
    return new ConsumedRecord(
        metadata.getTopic(),
        metadata.getPartition(),
        metadata.getOffset(),
        textKey,
        ConsumedRecord.headerList(metadata.getHeaders()),
        message.getPayload());
  }
}
