package io.trainyard.eventing.quarkus;

import io.agroal.api.AgroalDataSource;
import io.smallrye.common.annotation.Identifier;
import io.trainyard.eventing.DeadLetterPublisher;
import io.trainyard.eventing.EventProcessor;
import io.trainyard.eventing.EventingProducers;
import io.trainyard.eventing.OutboxRelay;
import io.trainyard.eventing.OutboxWriter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Wires the plain eventing classes into CDI. */
@ApplicationScoped
public class EventingBeans {

  /**
   * The relay's and dead-letter publisher's producer: every {@code kafka.*} property (bootstrap
   * servers, security), then {@code trainyard.eventing.producer.*}, then the settings delivery
   * depends on ({@link EventingProducers}).
   */
  @Produces
  @Singleton
  @Eventing
  Producer<String, byte[]> producer(
      @Identifier("default-kafka-broker") Map<String, Object> kafka, EventingSettings settings) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.putAll(settings.producerOverrides());
    config.putIfAbsent(
        ProducerConfig.CLIENT_ID_CONFIG, "trainyard-" + settings.serviceName() + "-eventing");
    return EventingProducers.create(config);
  }

  void closeProducer(@Disposes @Eventing Producer<String, byte[]> producer) {
    producer.close(Duration.ofSeconds(10));
  }

  @Produces
  @Singleton
  OutboxWriter outboxWriter(EventingSettings settings) {
    return new OutboxWriter(settings.source(), settings::topicName);
  }

  @Produces
  @Singleton
  OutboxRelay outboxRelay(
      AgroalDataSource dataSource,
      @Eventing Producer<String, byte[]> producer,
      EventingSettings settings) {
    return new OutboxRelay(
        dataSource,
        producer,
        settings.relaySettings(),
        "trainyard-outbox-relay-" + settings.serviceName());
  }

  @Produces
  @Singleton
  DeadLetterPublisher deadLetterPublisher(
      @Eventing Producer<String, byte[]> producer, EventingSettings settings) {
    return new DeadLetterPublisher(producer, settings.serviceName(), settings.dlqTimeout());
  }

  @Produces
  @Singleton
  EventProcessor eventProcessor(
      QuarkusTransactionRunner transactions,
      DeadLetterPublisher deadLetters,
      EventingSettings settings,
      OutboxRelay relay) {
    return new EventProcessor(transactions, deadLetters, settings.retryPolicy(), relay::signal);
  }
}
