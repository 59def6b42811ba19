package io.trainyard.console;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.testing.ServiceConventionsTest;
import io.trainyard.testing.TrainyardStackResource;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class ConsoleConventionsTest extends ServiceConventionsTest {
  @Override
  protected String serviceName() {
    return "console";
  }
}
