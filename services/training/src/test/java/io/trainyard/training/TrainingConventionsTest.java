package io.trainyard.training;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.testing.ServiceConventionsTest;
import io.trainyard.testing.TrainyardStackResource;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class TrainingConventionsTest extends ServiceConventionsTest {
  @Override
  protected String serviceName() {
    return "training";
  }
}
