package io.trainyard.platform;

import io.smallrye.health.SmallRyeHealthReporter;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * Every service answers {@code GET /api/v1/services/{itself}} with its name, version and readiness.
 */
@Path("/api/v1/services")
public class ServiceInfoResource {

  /** What a service says about itself. */
  public record ServiceInfo(String name, String version, boolean ready) {}

  private final String name;
  private final String version;
  private final SmallRyeHealthReporter health;

  public ServiceInfoResource(
      @ConfigProperty(name = "trainyard.service.name") String name,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
          String version,
      SmallRyeHealthReporter health) {
    this.name = name;
    this.version = version;
    this.health = health;
  }

  @GET
  @Path("/{service}")
  @Produces(MediaType.APPLICATION_JSON)
  public ServiceInfo describe(@PathParam("service") String service) {
    if (!name.equals(service)) {
      throw new NotFoundException("This is the " + name + " service, not " + service);
    }
    boolean ready = health.getReadiness().getStatus() == HealthCheckResponse.Status.UP;
    return new ServiceInfo(name, version, ready);
  }
}
