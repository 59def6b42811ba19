package io.trainyard.platform;

import io.quarkus.arc.properties.UnlessBuildProperty;
import io.trainyard.platform.ServiceSelf.ServiceInfo;
import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * Every service answers {@code GET /api/v1/services/{itself}} with its name, version and readiness
 * (role {@code viewer}); any other name is a 404 problem. The front door (the console, built with
 * {@code trainyard.front-door=true}) answers this path itself and forwards other names to their
 * service.
 */
@Path("/api/v1/services")
@UnlessBuildProperty(name = "trainyard.front-door", stringValue = "true", enableIfMissing = true)
public class ServiceInfoResource {

  private final ServiceSelf self;

  public ServiceInfoResource(ServiceSelf self) {
    this.self = self;
  }

  @GET
  @Path("/{service}")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  public ServiceInfo describe(@PathParam("service") String service) {
    if (!self.name().equals(service)) {
      throw ProblemException.notFound(
          "This is the " + self.name() + " service, not " + service + ".");
    }
    return self.describe();
  }
}
