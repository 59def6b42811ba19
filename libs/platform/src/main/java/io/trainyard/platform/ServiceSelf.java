package io.trainyard.platform;

import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;

/** What this service says about itself: its name, version and readiness. */
@ApplicationScoped
public class ServiceSelf {

  /** The answer of {@code GET /api/v1/services/{service}}. */
  public record ServiceInfo(String name, String version, boolean ready) {}

  private final String name;
  private final String version;
  private final SmallRyeHealthReporter health;

  public ServiceSelf(
      @ConfigProperty(name = "trainyard.service.name") String name,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
          String version,
      SmallRyeHealthReporter health) {
    this.name = name;
    this.version = version;
    this.health = health;
  }

  public String name() {
    return name;
  }

  public ServiceInfo describe() {
    boolean ready = health.getReadiness().getStatus() == HealthCheckResponse.Status.UP;
    return new ServiceInfo(name, version, ready);
  }
}
