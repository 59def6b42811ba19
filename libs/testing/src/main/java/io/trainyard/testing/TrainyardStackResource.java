package io.trainyard.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the service under a {@code @QuarkusTest} at the {@link TestStack}: use it with
 * {@code @QuarkusTestResource(value = TrainyardStackResource.class, restrictToAnnotatedClass =
 * false)} or through {@link ServiceConventionsTest}. The stack outlives the test JVM on purpose:
 * starting Kafka costs seconds, and {@code ./trainyard down} stops it.
 */
public class TrainyardStackResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    return TestStacks.current().serviceConfig();
  }

  @Override
  public void stop() {
    // Shared by every test JVM of the build; stopped by `./trainyard down` (and by .ci/run).
  }
}
