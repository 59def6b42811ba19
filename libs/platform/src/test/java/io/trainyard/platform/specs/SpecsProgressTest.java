package io.trainyard.platform.specs;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.testing.TestStacks;
import io.trainyard.testing.UniqueNames;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SpecsProgress} against the real broker: end offsets, processed and committed positions.
 */
class SpecsProgressTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final String bootstrap = TestStacks.current().kafkaBootstrapServers();
  private final String topic = UniqueNames.of("specs") + ".trainyard.pipelines";
  private final String group = UniqueNames.of("specs-group");
  private SpecsProgress progress;

  @AfterEach
  void close() {
    if (progress != null) {
      progress.close();
    }
  }

  @Test
  void aTopicThatDoesNotExistHasNothingToWaitFor() {
    progress = progress();
    assertThat(progress.caughtUp(TIMEOUT)).isTrue();
  }

  @Test
  void caughtUpOnlyOnceEveryPartitionIsReadToItsEnd() throws Exception {
    createTopic();
    progress = progress();
    assertThat(progress.caughtUp(TIMEOUT)).as("an empty topic").isTrue();

    send(0, 3);
    send(1, 1);
    assertThat(progress.caughtUp(TIMEOUT)).as("nothing read").isFalse();

    progress.processed(0, 2);
    assertThat(progress.caughtUp(TIMEOUT)).as("partition 1 not read").isFalse();
    progress.processed(1, 0);
    assertThat(progress.caughtUp(TIMEOUT)).as("both at their end").isTrue();

    send(1, 1);
    assertThat(progress.caughtUp(TIMEOUT)).as("a spec applied since").isFalse();
    progress.processed(1, 1);
    progress.processed(1, 0);
    assertThat(progress.caughtUp(TIMEOUT)).as("an older offset never moves it back").isTrue();
  }

  @Test
  void aRestartedServiceAtTheEndCountsItsGroupsCommittedOffsets() throws Exception {
    createTopic();
    send(0, 2);
    send(1, 2);
    progress = progress();
    assertThat(progress.caughtUp(TIMEOUT)).isFalse();

    commit(Map.of(0, 2L, 1, 1L));
    assertThat(progress.caughtUp(TIMEOUT)).as("partition 1 committed short of its end").isFalse();
    commit(Map.of(0, 2L, 1, 2L));
    assertThat(progress.caughtUp(TIMEOUT)).isTrue();
  }

  private SpecsProgress progress() {
    return new SpecsProgress(Map.of("bootstrap.servers", bootstrap), topic, group);
  }

  private void createTopic() throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
  }

  private void send(int partition, int records) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
            new StringSerializer(),
            new StringSerializer())) {
      for (int i = 0; i < records; i++) {
        producer.send(new ProducerRecord<>(topic, partition, "p", "{}")).get();
      }
    }
  }

  private void commit(Map<Integer, Long> offsets) {
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG,
                group),
            new StringDeserializer(),
            new StringDeserializer())) {
      Map<TopicPartition, OffsetAndMetadata> commits = new java.util.HashMap<>();
      offsets.forEach(
          (p, o) -> commits.put(new TopicPartition(topic, p), new OffsetAndMetadata(o)));
      consumer.commitSync(commits);
    }
  }
}
