package io.trainyard.labeling;

import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.Problem;
import io.trainyard.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/** Test-only endpoints: one per role, and one per kind of error the platform must map. */
@Path("/api/v1/test-probe")
@Produces(MediaType.APPLICATION_JSON)
public class ProbeResource {

  public record Item(@NotBlank String name, @Min(1) int count) {}

  public record Batch(@NotBlank String label, @NotEmpty List<@Valid Item> items) {}

  @GET
  @Path("/ops")
  @RolesAllowed(Roles.OPS)
  public Map<String, String> ops() {
    return Map.of("ok", "ops");
  }

  @GET
  @Path("/viewer")
  @RolesAllowed(Roles.VIEWER)
  public Map<String, String> viewer() {
    return Map.of("ok", "viewer");
  }

  @GET
  @Path("/admin")
  @RolesAllowed(Roles.ADMIN)
  public Map<String, String> admin() {
    return Map.of("ok", "admin");
  }

  @POST
  @Path("/batches")
  @Consumes(MediaType.APPLICATION_JSON)
  @RolesAllowed(Roles.OPS)
  public Batch create(@NotNull @Valid Batch batch) {
    return batch;
  }

  @GET
  @Path("/page")
  @RolesAllowed(Roles.VIEWER)
  public Map<String, Integer> page(@QueryParam("size") @Min(1) @Max(100) int size) {
    return Map.of("size", size);
  }

  @GET
  @Path("/boom")
  @RolesAllowed(Roles.VIEWER)
  public Map<String, String> boom() {
    throw new IllegalStateException("secret internal detail: password=hunter2");
  }

  @GET
  @Path("/bad-argument")
  @RolesAllowed(Roles.VIEWER)
  public Map<String, String> badArgument() {
    throw new IllegalArgumentException("size must be a power of two");
  }

  @GET
  @Path("/conflict")
  @RolesAllowed(Roles.VIEWER)
  public Map<String, String> conflict() {
    throw new ProblemException(
        409,
        "urn:trainyard:problem:version-conflict",
        "Version conflict",
        "Version 3 of card-fraud already exists",
        List.of(new Problem.FieldError("version", "/version", "is taken")));
  }

  @GET
  @Path("/empty-error")
  @RolesAllowed(Roles.VIEWER)
  public Response emptyError() {
    return Response.status(Response.Status.GONE).build();
  }
}
