package io.trainyard.eventing.quarkus;

import io.trainyard.testing.TestStack;
import io.trainyard.testing.TestStacks;
import io.trainyard.testing.TestTopics;
import io.trainyard.testing.TrainyardStackResource;
import io.trainyard.testing.UniqueNames;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The test stack, plus names of this run only: a schema, the JVM's topic prefix ({@link
 * TestTopics}) and a consumer group.
 */
public class EventingTestResource extends TrainyardStackResource {

  private String schema;

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new HashMap<>(super.start());
    // The topics of this JVM (TestTopics), which TrainyardStackResource also hands the service
    // as trainyard.eventing.topic-prefix.
    String prefix = TestTopics.prefix();
    schema = "evq_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    config.put("eventing-test.schema", schema);
    config.put("eventing-test.prefix", prefix);
    config.put("eventing-test.group", UniqueNames.of("evq-group"));
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
