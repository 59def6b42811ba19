package io.trainyard.drift.monitor;

import io.trainyard.platform.auth.Roles;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

/**
 * {@code POST /api/v1/pipelines/{name}/retrain} (role {@code ops}; the console routes it here): a
 * retrain by hand, on the latest dataset version unless the body names one, the champion as parent.
 * Answered 202 with the run to follow; training's events tell the outcome.
 */
@Path("/api/v1/pipelines/{name}/retrain")
public class RetrainResource {

  private final RetrainPolicy policy;

  public RetrainResource(RetrainPolicy policy) {
    this.policy = policy;
  }

  /** The body; may be absent. */
  public record RetrainBody(Integer datasetVersion, String reason) {}

  @POST
  @RolesAllowed(Roles.OPS)
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response retrain(
      @PathParam("name") String name,
      RetrainBody body,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      @Context SecurityContext security) {
    String by =
        security == null || security.getUserPrincipal() == null
            ? "an operator"
            : security.getUserPrincipal().getName();
    RetrainPolicy.Manual manual =
        policy.manual(
            name,
            body == null ? null : body.datasetVersion(),
            body == null ? null : body.reason(),
            idempotencyKey,
            by);
    return Response.accepted(manual).build();
  }
}
