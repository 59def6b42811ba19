package io.trainyard.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.trainyard.contracts.Topic;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class KafkaBrokerTest {

  private static Properties parse(String text) throws IOException {
    Properties properties = new Properties();
    properties.load(new StringReader(text));
    return properties;
  }

  @Test
  void serverPropertiesDescribeASingleKraftNodeOnTheConfiguredPorts() throws IOException {
    StackConfig config =
        StackConfig.fromEnvironment(
            Map.of("TRAINYARD_KAFKA_PORT", "19092", "TRAINYARD_KAFKA_CONTROLLER_PORT", "19093"));
    Properties p = parse(KafkaBroker.serverProperties(config, Path.of("/data/ty/kafka")));

    assertThat(p.getProperty("process.roles")).isEqualTo("broker,controller");
    assertThat(p.getProperty("node.id")).isEqualTo("1");
    assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:19093");
    assertThat(p.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093");
    assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:19092");
    assertThat(p.getProperty("controller.listener.names")).isEqualTo("CONTROLLER");
    assertThat(p.getProperty("inter.broker.listener.name")).isEqualTo("PLAINTEXT");
    assertThat(p.getProperty("listener.security.protocol.map"))
        .isEqualTo("CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    assertThat(p.getProperty("log.dirs")).isEqualTo("/data/ty/kafka");
    assertThat(p.getProperty("group.initial.rebalance.delay.ms")).isEqualTo("0");
    for (String key :
        List.of(
            "offsets.topic.replication.factor",
            "transaction.state.log.replication.factor",
            "transaction.state.log.min.isr",
            "share.coordinator.state.topic.replication.factor",
            "share.coordinator.state.topic.min.isr",
            "default.replication.factor")) {
      assertThat(p.getProperty(key)).as(key).isEqualTo("1");
    }
    // Static voters: the dynamic-quorum settings that clash with them must be absent.
    assertThat(p.stringPropertyNames())
        .doesNotContain("controller.quorum.bootstrap.servers")
        .allSatisfy(key -> assertThat(key).doesNotContain("standalone"));
  }

  @Test
  void serverPropertiesFollowTheDefaultPorts() throws IOException {
    Properties p =
        parse(
            KafkaBroker.serverProperties(
                StackConfig.fromEnvironment(Map.of()), Path.of("/home/u/.trainyard/kafka")));
    assertThat(p.getProperty("listeners"))
        .isEqualTo("PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093");
    assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:9093");
  }

  @Test
  void serverPropertiesKeepBackslashesInPaths() throws IOException {
    Properties p =
        parse(
            KafkaBroker.serverProperties(
                StackConfig.fromEnvironment(Map.of()), Path.of("/odd\\dir")));
    assertThat(p.getProperty("log.dirs")).isEqualTo("/odd\\dir");
  }

  @Test
  void catalogueTopicsCoverEveryTopicAndItsDlq() {
    Map<String, NewTopic> topics =
        KafkaBroker.catalogueTopics().stream()
            .collect(Collectors.toMap(NewTopic::name, Function.identity()));
    assertThat(topics).hasSize(2 * Topic.values().length);
    for (Topic topic : Topic.values()) {
      NewTopic t = topics.get(topic.topicName());
      assertThat(t).as(topic.topicName()).isNotNull();
      assertThat(t.numPartitions()).isEqualTo(6);
      assertThat(t.replicationFactor()).isEqualTo((short) 1);
      assertThat(t.configs())
          .containsEntry("cleanup.policy", topic.retention().compacted() ? "compact" : "delete")
          .containsEntry("retention.ms", Long.toString(topic.retention().retentionMs()));
      NewTopic dlq = topics.get(topic.dlqName());
      assertThat(dlq).as(topic.dlqName()).isNotNull();
      assertThat(dlq.numPartitions()).isEqualTo(6);
      assertThat(dlq.configs())
          .containsEntry("cleanup.policy", "delete")
          .containsEntry("retention.ms", Long.toString(Duration.ofDays(30).toMillis()));
    }
    assertThat(topics.get("trainyard.pipelines").configs())
        .containsEntry("cleanup.policy", "compact");
    assertThat(topics.get("trainyard.inference.observed").configs())
        .containsEntry("retention.ms", "604800000");
    assertThat(topics.get("trainyard.models.promoted").configs())
        .containsEntry("retention.ms", "-1");
  }

  @Test
  void s3proxyPropertiesUseTheStackKeysAndTheFilesystem() throws IOException {
    StackConfig config =
        StackConfig.fromEnvironment(
            Map.of(
                "TRAINYARD_S3_PORT", "19000",
                "TRAINYARD_S3_ACCESS_KEY", "ak",
                "TRAINYARD_S3_SECRET_KEY", "sk"));
    Properties p = parse(S3Server.properties(config, Path.of("/data/ty/s3")));
    assertThat(p.getProperty("s3proxy.endpoint")).isEqualTo("http://127.0.0.1:19000");
    assertThat(p.getProperty("s3proxy.authorization")).isEqualTo("aws-v2-or-v4");
    assertThat(p.getProperty("s3proxy.identity")).isEqualTo("ak");
    assertThat(p.getProperty("s3proxy.credential")).isEqualTo("sk");
    assertThat(p.getProperty("jclouds.provider")).isEqualTo("filesystem-nio2");
    assertThat(p.getProperty("jclouds.identity")).isNotBlank();
    assertThat(p.getProperty("jclouds.credential")).isNotBlank();
    assertThat(p.getProperty("jclouds.filesystem.basedir")).isEqualTo("/data/ty/s3");
  }
}
