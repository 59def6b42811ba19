package io.trainyard.platform.specs;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How far this service's {@code pipelines} consumer has read {@code trainyard.pipelines}: whether
 * it has reached the end the topic had a moment ago. A spec applied before an event was published
 * is then known, so an event naming a pipeline whose spec is still unknown at that point names one
 * that was never applied. The consumer's position per partition is the larger of what {@link
 * PipelinesListener} processed in this process and the group's committed offset (a restarted
 * service that is already at the end processes nothing).
 */
@ApplicationScoped
public class SpecsProgress {

  private final Map<Integer, Long> processed = new ConcurrentHashMap<>();
  private final Map<String, Object> kafka;
  private final String topic;
  private final String group;
  private volatile Admin admin;

  @Inject
  public SpecsProgress(
      @Identifier("default-kafka-broker") Map<String, Object> kafka,
      @ConfigProperty(
              name = "mp.messaging.incoming." + PipelinesListener.CHANNEL + ".topic",
              defaultValue = "trainyard.pipelines")
          String topic,
      @ConfigProperty(
              name = "mp.messaging.incoming." + PipelinesListener.CHANNEL + ".group.id",
              defaultValue = "")
          String group) {
    this.kafka = kafka;
    this.topic = topic;
    this.group = group;
  }

  /** Records that the record at {@code offset} of {@code partition} was processed. */
  void processed(int partition, long offset) {
    processed.merge(partition, offset + 1, Math::max);
  }

  /**
   * Whether the consumer has reached, on every partition, the end offset the topic has now. A topic
   * that does not exist yet has no spec to wait for.
   *
   * @throws SpecsUnavailableException when the broker cannot tell within {@code timeout}
   */
  public boolean caughtUp(Duration timeout) {
    try {
      Map<TopicPartition, Long> ends = endOffsets(timeout);
      Map<TopicPartition, OffsetAndMetadata> committed =
          group.isEmpty()
              ? Map.of()
              : admin()
                  .listConsumerGroupOffsets(group)
                  .partitionsToOffsetAndMetadata()
                  .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
        long position = processed.getOrDefault(end.getKey().partition(), 0L);
        OffsetAndMetadata commit = committed.get(end.getKey());
        if (commit != null) {
          position = Math.max(position, commit.offset());
        }
        if (position < end.getValue()) {
          return false;
        }
      }
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return true;
      }
      throw new SpecsUnavailableException("cannot read the offsets of " + topic, e.getCause());
    } catch (TimeoutException e) {
      throw new SpecsUnavailableException("the offsets of " + topic + " did not arrive", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SpecsUnavailableException("interrupted reading the offsets of " + topic, e);
    }
  }

  private Map<TopicPartition, Long> endOffsets(Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    TopicDescription description =
        admin()
            .describeTopics(List.of(topic))
            .allTopicNames()
            .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
            .get(topic);
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    description
        .partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> infos =
        admin().listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Map<TopicPartition, Long> ends = new HashMap<>();
    infos.forEach((partition, info) -> ends.put(partition, info.offset()));
    return ends;
  }

  private Admin admin() {
    Admin current = admin;
    if (current == null) {
      synchronized (this) {
        if (admin == null) {
          Map<String, Object> config = new HashMap<>();
          kafka.forEach(
              (key, value) -> {
                if (AdminClientConfig.configNames().contains(key)) {
                  config.put(key, value);
                }
              });
          config.put(AdminClientConfig.CLIENT_ID_CONFIG, "trainyard-specs-progress");
          admin = Admin.create(config);
        }
        current = admin;
      }
    }
    return current;
  }

  @PreDestroy
  void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
