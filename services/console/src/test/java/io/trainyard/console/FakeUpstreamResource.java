package io.trainyard.console;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Points the console's ingestion and training upstreams at a {@link FakeUpstream} and its
 * drift-monitor upstream at a port where nothing listens, for every test of this module.
 */
public class FakeUpstreamResource implements QuarkusTestResourceLifecycleManager {
  static FakeUpstream upstream;

  @Override
  public Map<String, String> start() {
    upstream = new FakeUpstream();
    return Map.of(
        "trainyard.console.upstream.ingestion", upstream.url(),
        "trainyard.console.upstream.training", upstream.url(),
        "trainyard.console.upstream.drift-monitor", FakeUpstream.deadUrl());
  }

  @Override
  public void stop() {
    if (upstream != null) {
      upstream.close();
    }
  }
}
