package io.trainyard.drift;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.testing.ServiceConventionsTest;
import io.trainyard.testing.TrainyardStackResource;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class DriftConventionsTest extends ServiceConventionsTest {
  @Override
  protected String serviceName() {
    return "drift-monitor";
  }
}
