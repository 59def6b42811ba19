package io.trainyard.labeling;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.trainyard.testing.ServiceConventionsTest;
import io.trainyard.testing.TrainyardStackResource;

@QuarkusTest
@QuarkusTestResource(TrainyardStackResource.class)
class LabelingConventionsTest extends ServiceConventionsTest {
  @Override
  protected String serviceName() {
    return "labeling";
  }
}
