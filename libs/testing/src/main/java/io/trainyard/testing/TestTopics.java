package io.trainyard.testing;

import io.trainyard.contracts.Topic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The catalogue topics of this test JVM: every topic and its dead-letter topic under a prefix of
 * this JVM only ({@code t<unique>.trainyard.pipelines}, ...). A service under test publishes and
 * consumes only these (through {@code trainyard.eventing.topic-prefix}, which {@link
 * TrainyardStackResource} sets), so test runs never see each other's events, and nothing a test
 * publishes reaches a service that a developer runs on the same broker.
 */
public final class TestTopics {

  /** Partitions of each test topic: enough to exercise keying, few enough to create quickly. */
  public static final int PARTITIONS = 2;

  private static String prefix;

  private TestTopics() {}

  /** The prefix of this JVM, such as {@code t-1a2b3c.}; the topics exist once it returns. */
  public static synchronized String prefix() {
    if (prefix == null) {
      String candidate = UniqueNames.of("t") + ".";
      create(candidate);
      prefix = candidate;
    }
    return prefix;
  }

  /** The name of {@code topic} in this JVM. */
  public static String of(Topic topic) {
    return prefix() + topic.topicName();
  }

  /** The name of {@code topic}'s dead-letter topic in this JVM. */
  public static String dlqOf(Topic topic) {
    return prefix() + topic.dlqName();
  }

  private static void create(String prefix) {
    List<NewTopic> topics = new ArrayList<>();
    for (Topic topic : Topic.values()) {
      NewTopic main = new NewTopic(prefix + topic.topicName(), PARTITIONS, (short) 1);
      if (topic == Topic.PIPELINES) {
        main.configs(Map.of("cleanup.policy", "compact"));
      }
      topics.add(main);
      topics.add(new NewTopic(prefix + topic.dlqName(), 1, (short) 1));
    }
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestStacks.current().kafkaBootstrapServers()))) {
      admin.createTopics(topics).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create the test topics " + prefix + "*", e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
