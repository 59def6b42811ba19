package io.trainyard.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads what is on a topic right now, from the beginning to the current end, without a consumer
 * group: tests use it to see which events a service published (and how many times).
 */
public final class EventLog {
  private EventLog() {}

  /** Every record of {@code topic} whose key is {@code key}. */
  public static List<ConsumerRecord<String, byte[]>> withKey(String topic, String key) {
    return matching(topic, record -> Objects.equals(record.key(), key));
  }

  /** Every record of {@code topic} that {@code filter} accepts. */
  public static List<ConsumerRecord<String, byte[]>> matching(
      String topic, Predicate<ConsumerRecord<String, byte[]>> filter) {
    return matching(TestStacks.current().kafkaBootstrapServers(), topic, filter);
  }

  /**
   * Every record of {@code topic} on the broker at {@code bootstrapServers} that {@code filter}
   * accepts (for a stack other than the test stack, such as one {@code ./trainyard up} started).
   */
  public static List<ConsumerRecord<String, byte[]>> matching(
      String bootstrapServers, String topic, Predicate<ConsumerRecord<String, byte[]>> filter) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(10));
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          if (filter.test(record)) {
            found.add(record);
          }
        }
      }
    }
    return found;
  }

  /**
   * Waits (at most 60 s) until {@code topic} holds at least {@code atLeast} records, then {@code
   * quiet} longer, so that extra (duplicate) records show too; returns every record it holds.
   */
  public static List<ConsumerRecord<String, byte[]>> awaitAtLeast(
      String topic, int atLeast, Duration quiet) {
    return awaitAtLeast(topic, record -> true, atLeast, Duration.ofSeconds(60), quiet);
  }

  /**
   * Waits (at most 60 s) until {@code topic} holds at least {@code atLeast} records that match
   * {@code filter}, then 1 s longer, so that extra (duplicate) records show too; returns the
   * matching records (one partition's records in offset order).
   */
  public static List<ConsumerRecord<String, byte[]>> awaitAtLeast(
      String topic, Predicate<ConsumerRecord<String, byte[]>> filter, int atLeast) {
    return awaitAtLeast(topic, filter, atLeast, Duration.ofSeconds(60), Duration.ofSeconds(1));
  }

  /**
   * Waits at most {@code timeout} until {@code topic} holds at least {@code atLeast} records that
   * match {@code filter}, then {@code quiet} longer; returns the matching records.
   */
  public static List<ConsumerRecord<String, byte[]>> awaitAtLeast(
      String topic,
      Predicate<ConsumerRecord<String, byte[]>> filter,
      int atLeast,
      Duration timeout,
      Duration quiet) {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<ConsumerRecord<String, byte[]>> records = matching(topic, filter);
    while (records.size() < atLeast && System.nanoTime() < deadline) {
      pause(Duration.ofMillis(200));
      records = matching(topic, filter);
    }
    if (quiet.isZero()) {
      return records;
    }
    pause(quiet);
    return matching(topic, filter);
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for records", e);
    }
  }

  /** The value of a header of {@code record} as text, or null. */
  public static String header(ConsumerRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null
        ? null
        : new String(header.value(), java.nio.charset.StandardCharsets.UTF_8);
  }
}
