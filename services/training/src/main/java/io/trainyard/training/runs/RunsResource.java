package io.trainyard.training.runs;

import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;

/** {@code /api/v1/pipelines/{name}/runs} and {@code /api/v1/runs/{id}}: runs, state and losses. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class RunsResource {

  private final RunStore runs;

  public RunsResource(RunStore runs) {
    this.runs = runs;
  }

  /** The runs of a pipeline, oldest first; empty when it has none. */
  @GET
  @Path("pipelines/{name}/runs")
  @RolesAllowed(Roles.VIEWER)
  public List<RunView> list(@PathParam("name") String name) {
    return runs.list(name);
  }

  /** One run, with its per-epoch losses. */
  @GET
  @Path("runs/{id}")
  @RolesAllowed(Roles.VIEWER)
  public RunView get(@PathParam("id") String id) {
    return runs.find(id).orElseThrow(() -> ProblemException.notFound("No run with id " + id));
  }
}
