package io.trainyard.eventing;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka producer of the outbox relay and the dead-letter publisher: {@code acks=all},
 * idempotent, at most 5 requests in flight (the most that keeps order with idempotence), string
 * keys and byte-array values. Settings that would weaken delivery are refused.
 */
public final class EventingProducers {

  /** What the relay relies on; {@link #config} refuses other values for these. */
  public static final Map<String, String> REQUIRED =
      Map.of(
          ProducerConfig.ACKS_CONFIG, "all",
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");

  /** Defaults that may be overridden: batching tuned for the relay's bursts. */
  public static final Map<String, String> DEFAULTS =
      Map.of(
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5",
          ProducerConfig.LINGER_MS_CONFIG, "5",
          ProducerConfig.BATCH_SIZE_CONFIG, "65536",
          ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");

  private EventingProducers() {}

  /**
   * The producer configuration: {@link #DEFAULTS}, then {@code settings} (at least {@code
   * bootstrap.servers}), then {@link #REQUIRED}.
   *
   * @throws IllegalArgumentException when {@code settings} weaken {@link #REQUIRED} or allow more
   *     than 5 requests in flight
   */
  public static Map<String, Object> config(Map<String, ?> settings) {
    Map<String, Object> config = new HashMap<>(DEFAULTS);
    config.putAll(settings);
    for (Map.Entry<String, String> required : REQUIRED.entrySet()) {
      Object given = config.get(required.getKey());
      if (given != null && !required.getValue().equalsIgnoreCase(given.toString().trim())) {
        if (!(required.getKey().equals(ProducerConfig.ACKS_CONFIG)
            && given.toString().trim().equals("-1"))) {
          throw new IllegalArgumentException(
              "the eventing producer needs "
                  + required.getKey()
                  + "="
                  + required.getValue()
                  + ", not "
                  + given);
        }
      }
      config.put(required.getKey(), required.getValue());
    }
    int inFlight =
        Integer.parseInt(
            config.get(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION).toString());
    if (inFlight < 1 || inFlight > 5) {
      throw new IllegalArgumentException(
          "the eventing producer keeps order with at most 5 requests in flight, not " + inFlight);
    }
    if (!config.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("bootstrap.servers is required");
    }
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return config;
  }

  /** A producer with {@link #config}. */
  public static Producer<String, byte[]> create(Map<String, ?> settings) {
    return new KafkaProducer<>(config(settings));
  }

  /** A producer for {@code bootstrapServers} with the defaults. */
  public static Producer<String, byte[]> create(String bootstrapServers, String clientId) {
    return create(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ProducerConfig.CLIENT_ID_CONFIG, clientId));
  }
}
