package io.trainyard.eventing;

import io.trainyard.contracts.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Sends a record that cannot be processed to {@code <topic>.dlq}, with the same key, value and
 * headers plus the {@link DeadLetterHeaders reason headers}, and waits for the broker's
 * acknowledgement: the source record may only be acknowledged once its dead letter is durable.
 */
public final class DeadLetterPublisher {

  private static final int MAX_HEADER_TEXT = 4000;

  private final Producer<String, byte[]> producer;
  private final String service;
  private final Duration timeout;
  private final Clock clock;

  /**
   * @param producer an idempotent producer with {@code acks=all}
   * @param service this service's name, for {@link DeadLetterHeaders#SERVICE}
   * @param timeout how long to wait for the acknowledgement
   */
  public DeadLetterPublisher(Producer<String, byte[]> producer, String service, Duration timeout) {
    this(producer, service, timeout, Clock.systemUTC());
  }

  DeadLetterPublisher(
      Producer<String, byte[]> producer, String service, Duration timeout, Clock clock) {
    this.producer = Objects.requireNonNull(producer, "producer");
    this.service = Objects.requireNonNull(service, "service");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** The dead-letter topic of a topic name: {@code <topic>.dlq}. */
  public static String dlqTopic(String topic) {
    return topic + Topic.DLQ_SUFFIX;
  }

  /**
   * Sends the dead letter and waits until the broker acknowledged it.
   *
   * @throws ExecutionException when the broker refused it
   * @throws TimeoutException when it was not acknowledged in time
   */
  public RecordMetadata publish(ConsumedRecord record, String reason, Throwable failure)
      throws InterruptedException, ExecutionException, TimeoutException {
    ProducerRecord<String, byte[]> letter =
        new ProducerRecord<>(dlqTopic(record.topic()), null, record.key(), record.value());
    for (Map.Entry<String, byte[]> header : record.headers()) {
      letter.headers().add(header.getKey(), header.getValue());
    }
    add(letter, DeadLetterHeaders.REASON, truncate(reason));
    add(
        letter,
        DeadLetterHeaders.EXCEPTION,
        failure == null
            ? "none"
            : truncate(
                failure.getClass().getName()
                    + (failure.getMessage() == null ? "" : ": " + failure.getMessage())));
    add(letter, DeadLetterHeaders.TOPIC, record.topic());
    add(letter, DeadLetterHeaders.PARTITION, Integer.toString(record.partition()));
    add(letter, DeadLetterHeaders.OFFSET, Long.toString(record.offset()));
    add(letter, DeadLetterHeaders.SERVICE, service);
    add(
        letter,
        DeadLetterHeaders.TIME,
        DateTimeFormatter.ISO_INSTANT.format(Instant.now(clock).truncatedTo(ChronoUnit.MILLIS)));
    return producer.send(letter).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void add(ProducerRecord<String, byte[]> record, String name, String value) {
    record.headers().add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  private static String truncate(String text) {
    return text.length() <= MAX_HEADER_TEXT ? text : text.substring(0, MAX_HEADER_TEXT) + "...";
  }
}
