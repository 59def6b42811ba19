package io.trainyard.ingestion.notifications;

import io.smallrye.reactive.messaging.annotations.Blocking;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.trainyard.eventing.ConsumedRecord;
import io.trainyard.eventing.RetriesExhaustedException;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Consumes {@code trainyard.storage.notifications}: MinIO's bucket notifications, which are S3
 * event records and not CloudEvents, so {@code EventConsumer} does not apply. A record is
 * acknowledged once it was processed, skipped or dead-lettered; when a transient failure outlasts
 * the retries it is nacked, which (with the default {@code failure-strategy=fail}) stops the
 * channel without committing its offset, so that it is delivered again — as {@code EventConsumer}
 * does.
 */
@ApplicationScoped
public class StorageNotificationsListener {

  private static final Logger LOG = Logger.getLogger(StorageNotificationsListener.class);

  public static final String CHANNEL = "storage-notifications";

  private final StorageNotifications notifications;

  public StorageNotificationsListener(StorageNotifications notifications) {
    this.notifications = notifications;
  }

  @Incoming(CHANNEL)
  @Blocking(ordered = true)
  CompletionStage<Void> onNotification(Message<byte[]> message) {
    ConsumedRecord record;
    try {
      record = record(message);
    } catch (RuntimeException e) {
      return message.nack(e);
    }
    try {
      notifications.process(record);
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
