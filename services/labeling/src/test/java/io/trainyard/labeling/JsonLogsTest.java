package io.trainyard.labeling;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.trainyard.testing.TrainyardStackResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.jboss.logmanager.ExtHandler;
import org.junit.jupiter.api.Test;

/** QUARKUS_LOG_CONSOLE_JSON_ENABLED=true (here the property) switches the console to JSON. */
@QuarkusTest
@TestProfile(JsonLogsTest.JsonLogs.class)
@QuarkusTestResource(TrainyardStackResource.class)
class JsonLogsTest {

  public static class JsonLogs implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("quarkus.log.console.json.enabled", "true");
    }
  }

  @Test
  void theConsoleHandlerFormatsJson() {
    List<String> formatters = new ArrayList<>();
    collect(Logger.getLogger("").getHandlers(), formatters);
    assertThat(formatters, hasItem(containsString("JsonFormatter")));
  }

  private static void collect(Handler[] handlers, List<String> formatters) {
    for (Handler handler : handlers) {
      if (handler.getFormatter() != null) {
        formatters.add(handler.getFormatter().getClass().getName());
      }
      if (handler instanceof ExtHandler ext) {
        collect(ext.getHandlers(), formatters);
      }
    }
  }
}
