package io.trainyard.eventing.quarkus;

import io.trainyard.contracts.Topic;
import io.trainyard.testing.TestStack;
import io.trainyard.testing.TestStacks;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The test stack, plus names of this run only: a schema, a topic prefix (with the topics created)
 * and a consumer group.
 */
public class EventingTestResource extends TrainyardStackResource {

  private String schema;

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    String prefix = UniqueNames.of("evq") + ".";
    schema = "evq_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    config.put("eventing-test.schema", schema);
    config.put("eventing-test.prefix", prefix);
    config.put("eventing-test.group", UniqueNames.of("evq-group"));
    try (Admin admin =
        Admin.create(
            Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                TestStacks.current().kafkaBootstrapServers()))) {
      admin
          .createTopics(
              List.of(
                  new NewTopic(prefix + Topic.DATASETS_INGESTED.topicName(), 3, (short) 1),
                  new NewTopic(prefix + Topic.DATASETS_INGESTED.dlqName(), 1, (short) 1),
                  new NewTopic(prefix + Topic.TRAINING_REQUESTED.topicName(), 3, (short) 1)))
          .all()
          .get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the test topics", e);
    }
    return config;
  }

  @Override
  public void stop() {
    TestStack stack = TestStacks.current();
    try (Connection c =
            DriverManager.getConnection(stack.jdbcUrl(), stack.dbUser(), stack.dbPassword());
        Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    } catch (Exception e) {
      // Leaves a schema behind in the test database; nothing else depends on it.
    }
    super.stop();
  }
}
