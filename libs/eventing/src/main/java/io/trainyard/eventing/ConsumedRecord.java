package io.trainyard.eventing;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A record as consumed from Kafka, independent of the client that consumed it (a plain {@code
 * KafkaConsumer} or a SmallRye channel).
 *
 * @param topic the topic it was read from
 * @param partition its partition
 * @param offset its offset
 * @param key its key; may be {@code null}
 * @param headers its headers, in order
 * @param value its value; {@code null} for a tombstone
 */
public record ConsumedRecord(
    String topic,
    int partition,
    long offset,
    String key,
    List<Map.Entry<String, byte[]>> headers,
    byte[] value) {

  public ConsumedRecord {
    Objects.requireNonNull(topic, "topic");
    headers = List.copyOf(headers);
  }

  /** The record a {@code KafkaConsumer<String, byte[]>} returned. */
  public static ConsumedRecord of(ConsumerRecord<String, byte[]> record) {
    return new ConsumedRecord(
        record.topic(),
        record.partition(),
        record.offset(),
        record.key(),
        headerList(record.headers()),
        record.value());
  }

  /** Kafka headers as an ordered list of name/value pairs. */
  public static List<Map.Entry<String, byte[]>> headerList(Headers headers) {
    List<Map.Entry<String, byte[]>> list = new ArrayList<>();
    if (headers != null) {
      for (Header header : headers) {
        list.add(new AbstractMap.SimpleImmutableEntry<>(header.key(), header.value()));
      }
    }
    return list;
  }

  /** Where the record came from, e.g. {@code trainyard.datasets.ingested-3@42}. */
  public String position() {
    return topic + "-" + partition + "@" + offset;
  }
}
