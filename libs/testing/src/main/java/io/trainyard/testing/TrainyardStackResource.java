package io.trainyard.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points the service under a {@code @QuarkusTest} at the {@link TestStack}: use it with
 * {@code @QuarkusTestResource(value = TrainyardStackResource.class, restrictToAnnotatedClass =
 * false)} or through {@link ServiceConventionsTest}. The stack outlives the test JVM on purpose:
 * starting Kafka costs seconds, and {@code ./trainyard down} stops it.
 *
 * <p>Auth stays on: the service verifies tokens with this JVM's test key ({@link
 * TestTokens#publicKeyFile()}), so tests send {@code Authorization: TestTokens.bearer("ops")}.
 * Events go to this JVM's own topics ({@link TestTopics}); a service names its channel topics
 * {@code ${trainyard.eventing.topic-prefix:}trainyard....} so that they follow. A {@code
 * QuarkusTestProfile} may turn it off with {@code trainyard.auth.enabled=false}.
 */
public class TrainyardStackResource implements QuarkusTestResourceLifecycleManager {

  @Override
  public Map<String, String> start() {
    Map<String, String> config = new LinkedHashMap<>(TestStacks.current().serviceConfig());
    config.put("trainyard.auth.public-key-location", TestTokens.publicKeyFile().toString());
    // Topics of this JVM only: the service publishes and consumes <prefix>trainyard.* (TestTopics).
    config.put("trainyard.eventing.topic-prefix", TestTopics.prefix());
    return config;
  }

  @Override
  public void stop() {
    // Shared by every test JVM of the build; stopped by `./trainyard down` (and by .ci/run).
  }
}
