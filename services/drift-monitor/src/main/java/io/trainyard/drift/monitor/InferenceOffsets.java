package io.trainyard.drift.monitor;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * The {@code inference-observed} channel's rebalance listener: seeks each assigned partition to the
 * next offset the monitor has not applied ({@link DriftOffset}, stored with the windows), so a
 * batch applied just before a crash is not applied again whatever Kafka's committed offset says.
 */
@ApplicationScoped
@Identifier(InferenceOffsets.NAME)
public class InferenceOffsets implements KafkaConsumerRebalanceListener {

  private static final Logger LOG = Logger.getLogger(InferenceOffsets.class);

  public static final String NAME = "drift-monitor.inference-offsets";

  @Override
  public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
    Map<String, Map<Integer, Long>> stored = new HashMap<>();
    for (TopicPartition partition : partitions) {
      Long offset =
          stored
              .computeIfAbsent(
                  partition.topic(),
                  t -> QuarkusTransaction.requiringNew().call(() -> DriftOffset.of(t)))
              .get(partition.partition());
      if (offset != null) {
        consumer.seek(partition, offset);
        LOG.debugf("%s: seek to %d, the next offset not applied", partition, offset);
      }
    }
  }
}
