package io.trainyard.eventing.quarkus;

import io.trainyard.contracts.Sources;
import io.trainyard.contracts.Topic;
import io.trainyard.eventing.OutboxRelay;
import io.trainyard.eventing.RetryPolicy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The {@code trainyard.eventing.*} configuration (see docs/eventing.md). */
@Singleton
public class EventingSettings {

  /** Prefix of extra Kafka producer properties, e.g. {@code ...producer.linger.ms=10}. */
  public static final String PRODUCER_PREFIX = "trainyard.eventing.producer.";

  @Inject Config config;

  @ConfigProperty(name = "trainyard.service.name")
  String serviceName;

  @ConfigProperty(name = "trainyard.eventing.topic-prefix")
  Optional<String> topicPrefix;

  @ConfigProperty(name = "trainyard.eventing.relay.enabled", defaultValue = "true")
  boolean relayEnabled;

  @ConfigProperty(name = "trainyard.eventing.relay.batch-size", defaultValue = "1000")
  int relayBatchSize;

  @ConfigProperty(name = "trainyard.eventing.relay.poll-interval", defaultValue = "250ms")
  Duration relayPollInterval;

  @ConfigProperty(name = "trainyard.eventing.relay.standby-interval", defaultValue = "2s")
  Duration relayStandbyInterval;

  @ConfigProperty(name = "trainyard.eventing.relay.max-backoff", defaultValue = "5s")
  Duration relayMaxBackoff;

  @ConfigProperty(name = "trainyard.eventing.relay.retention", defaultValue = "P7D")
  Duration relayRetention;

  @ConfigProperty(name = "trainyard.eventing.consumer.max-attempts", defaultValue = "5")
  int consumerMaxAttempts;

  @ConfigProperty(name = "trainyard.eventing.consumer.initial-backoff", defaultValue = "100ms")
  Duration consumerInitialBackoff;

  @ConfigProperty(name = "trainyard.eventing.consumer.max-backoff", defaultValue = "2s")
  Duration consumerMaxBackoff;

  @ConfigProperty(name = "trainyard.eventing.dlq.timeout", defaultValue = "30s")
  Duration dlqTimeout;

  /** The service's name ({@code trainyard.service.name}). */
  public String serviceName() {
    return serviceName;
  }

  /** The service's CloudEvent source, {@code /trainyard/<service>}. */
  public String source() {
    return Sources.of(serviceName);
  }

  /** The Kafka topic of a catalogue topic: its name, after the optional topic prefix. */
  public String topicName(Topic topic) {
    return topicPrefix.map(String::strip).orElse("") + topic.topicName();
  }

  public boolean relayEnabled() {
    return relayEnabled;
  }

  public OutboxRelay.Settings relaySettings() {
    return OutboxRelay.Settings.DEFAULTS
        .withBatchSize(relayBatchSize)
        .withPollInterval(relayPollInterval)
        .withStandbyInterval(relayStandbyInterval)
        .withBackoff(
            OutboxRelay.Settings.DEFAULTS.initialBackoff().compareTo(relayMaxBackoff) > 0
                ? relayMaxBackoff
                : OutboxRelay.Settings.DEFAULTS.initialBackoff(),
            relayMaxBackoff)
        .withRetention(relayRetention);
  }

  public RetryPolicy retryPolicy() {
    return new RetryPolicy(consumerMaxAttempts, consumerInitialBackoff, consumerMaxBackoff);
  }

  public Duration dlqTimeout() {
    return dlqTimeout;
  }

  /** The {@code trainyard.eventing.producer.*} properties, without the prefix. */
  public Map<String, String> producerOverrides() {
    Map<String, String> overrides = new LinkedHashMap<>();
    for (String name : config.getPropertyNames()) {
      if (name.startsWith(PRODUCER_PREFIX)) {
        config
            .getOptionalValue(name, String.class)
            .ifPresent(value -> overrides.put(name.substring(PRODUCER_PREFIX.length()), value));
      }
    }
    return overrides;
  }
}
