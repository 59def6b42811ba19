package io.trainyard.console.proxy;

import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.Config;

/**
 * Where each service answers. {@code trainyard.console.upstream.<service>} (environment variable
 * {@code TRAINYARD_CONSOLE_UPSTREAM_<SERVICE>}, e.g. {@code
 * TRAINYARD_CONSOLE_UPSTREAM_DRIFT_MONITOR}) overrides the local default {@code
 * http://127.0.0.1:<default port>}.
 */
@ApplicationScoped
public class Upstreams {
  static final String PREFIX = "trainyard.console.upstream.";

  private static final Map<String, Integer> DEFAULT_PORTS =
      Map.of(
          "ingestion", 8081,
          "labeling", 8082,
          "training", 8083,
          "evaluation", 8084,
          "drift-monitor", 8085);

  private final Map<String, URI> upstreams = new LinkedHashMap<>();

  public Upstreams(Config config) {
    DEFAULT_PORTS.forEach(
        (service, port) -> {
          Optional<String> configured = config.getOptionalValue(PREFIX + service, String.class);
          String base = configured.orElse("http://127.0.0.1:" + port);
          upstreams.put(service, URI.create(base.endsWith("/") ? base : base + "/"));
        });
  }

  /** The services the console forwards to. */
  public Set<String> services() {
    return upstreams.keySet();
  }

  /** The base URI of {@code service}, ending with a slash. */
  public URI baseOf(String service) {
    URI base = upstreams.get(service);
    if (base == null) {
      throw new IllegalArgumentException("No upstream for service " + service);
    }
    return base;
  }
}
