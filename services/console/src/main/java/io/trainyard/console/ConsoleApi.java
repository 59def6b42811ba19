package io.trainyard.console;

import io.trainyard.console.commands.AliasCommands;
import io.trainyard.console.commands.RunCommands;
import io.trainyard.console.pipelines.PipelineService;
import io.trainyard.console.pipelines.PipelineView;
import io.trainyard.console.proxy.ApiProxy;
import io.trainyard.contracts.spec.SpecValidationException;
import io.trainyard.platform.ServiceSelf;
import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.Problem;
import io.trainyard.platform.problem.ProblemException;
import io.vertx.core.http.HttpServerResponse;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HEAD;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.util.List;

/**
 * The console is the front door: it answers the pipeline specs itself and forwards every other
 * {@code /api/v1} path to the service that owns it ({@link ApiProxy}). Both live in one resource
 * class so that JAX-RS always prefers the console's own paths over the catch-all.
 */
@Path("/api/v1")
public class ConsoleApi {
  static final String YAML = "application/yaml";

  private final PipelineService pipelines;
  private final RunCommands runCommands;
  private final AliasCommands aliasCommands;
  private final ApiProxy proxy;
  private final ServiceSelf self;

  public ConsoleApi(
      PipelineService pipelines,
      RunCommands runCommands,
      AliasCommands aliasCommands,
      ApiProxy proxy,
      ServiceSelf self) {
    this.pipelines = pipelines;
    this.runCommands = runCommands;
    this.aliasCommands = aliasCommands;
    this.proxy = proxy;
    this.self = self;
  }

  /**
   * Train now: publishes {@code trainyard.training.requested} (trigger {@code manual}) and answers
   * 202 with the command id and the run id; the run is at {@code /api/v1/runs/{runId}} once
   * training has queued it. An {@code Idempotency-Key} header makes a retried request the same run.
   */
  @POST
  @Path("pipelines/{name}/runs")
  @RolesAllowed(Roles.OPS)
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response train(
      @PathParam("name") String name,
      @HeaderParam("Idempotency-Key") String idempotencyKey,
      @Context SecurityContext security,
      RunCommands.TrainRequest request) {
    RunCommands.Accepted accepted =
        runCommands.train(name, request, idempotencyKey, principal(security));
    return Response.accepted(accepted).header("Location", accepted.status()).build();
  }

  /**
   * Cancel a run: publishes {@code trainyard.training.cancel-requested} and answers 202 with the
   * command id; the run ends {@code cancelled} (queued at once, running before its next
   * mini-batch), or stays as it is when it has already ended.
   */
  @POST
  @Path("runs/{id}/cancel")
  @RolesAllowed(Roles.OPS)
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  @Produces(MediaType.APPLICATION_JSON)
  public Response cancel(
      @PathParam("id") String id, @Context SecurityContext security, String body) {
    RunCommands.CancelRequest request =
        body(
            body,
            RunCommands.CancelRequest.class,
            "The body is optional; when given it is JSON like {\"reason\": \"...\"}");
    RunCommands.Accepted accepted = runCommands.cancel(id, request, principal(security));
    return Response.accepted(accepted).header("Location", accepted.status()).build();
  }

  /**
   * Move a model alias (e.g. a rollback): publishes {@code trainyard.models.alias-requested} and
   * answers 202 with the command id; evaluation moves the alias if it evaluated the version, and
   * the move shows in {@code GET /api/v1/pipelines/{name}/aliases/{alias}/history}.
   */
  @POST
  @Path("pipelines/{name}/aliases/{alias}")
  @RolesAllowed(Roles.OPS)
  @Consumes({MediaType.APPLICATION_JSON, MediaType.WILDCARD})
  @Produces(MediaType.APPLICATION_JSON)
  public Response moveAlias(
      @PathParam("name") String name,
      @PathParam("alias") String alias,
      @Context SecurityContext security,
      String body) {
    AliasCommands.AliasRequest request =
        body(
            body,
            AliasCommands.AliasRequest.class,
            "The body is JSON like {\"version\": 3, \"reason\": \"rollback after incident\"}");
    AliasCommands.Accepted accepted = aliasCommands.move(name, alias, request, principal(security));
    return Response.accepted(accepted).header("Location", accepted.status()).build();
  }

  /**
   * A command's JSON body as {@code type}; {@code null} when there is none.
   *
   * @throws ProblemException 400 with {@code hint} when it is not such JSON
   */
  private static <T> T body(String body, Class<T> type, String hint) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return io.trainyard.contracts.Json.convert(io.trainyard.contracts.Json.readTree(body), type);
    } catch (RuntimeException e) {
      throw ProblemException.badRequest(hint);
    }
  }

  private static String principal(SecurityContext security) {
    return security == null || security.getUserPrincipal() == null
        ? "anonymous"
        : security.getUserPrincipal().getName();
  }

  @PUT
  @Path("pipelines/{name}")
  @RolesAllowed(Roles.OPS)
  @Consumes({MediaType.APPLICATION_JSON, YAML, "application/x-yaml", "text/yaml", "text/x-yaml"})
  @Produces(MediaType.APPLICATION_JSON)
  public Response apply(@PathParam("name") String name, String body) {
    PipelineService.Applied applied;
    try {
      applied = pipelines.apply(name, body);
    } catch (SpecValidationException e) {
      throw ProblemException.validation(
          "The pipeline spec is invalid: " + e.reasons().size() + " problem(s)",
          e.reasons().stream().map(ConsoleApi::fieldError).toList());
    }
    return Response.status(applied.created() ? Response.Status.CREATED : Response.Status.OK)
        .header("Trainyard-Changed", applied.changed())
        .entity(applied.pipeline())
        .build();
  }

  @GET
  @Path("pipelines")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  public List<PipelineView> list() {
    return pipelines.list();
  }

  @GET
  @Path("pipelines/{name}")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  public PipelineView get(@PathParam("name") String name) {
    return pipelines
        .find(name)
        .orElseThrow(() -> ProblemException.notFound("No pipeline named " + name));
  }

  /**
   * The console describes itself, and forwards {@code /api/v1/services/{service}} to every other
   * service, so one URL shows whether each is up.
   */
  @GET
  @Path("services/{service}")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  public Response describeService(
      @PathParam("service") String service,
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      @Context HttpServerResponse response) {
    if (self.name().equals(service)) {
      return Response.ok(self.describe()).build();
    }
    return forward("GET", uri, headers, null, response);
  }

  /** A reason such as {@code $.training.epochs: must be >= 1} as a field error. */
  static Problem.FieldError fieldError(String reason) {
    int colon = reason.indexOf(": ");
    if (!reason.startsWith("$") || colon < 0) {
      return new Problem.FieldError(null, null, reason);
    }
    String field = reason.substring(0, colon);
    String pointer =
        field.equals("$")
            ? ""
            : field.substring(1).replaceAll("\\[(\\d+)]", ".$1").replace('.', '/');
    return new Problem.FieldError(field, pointer, reason);
  }

  @GET
  @Path("{path: .+}")
  public Response forwardGet(
      @Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerResponse response) {
    return forward("GET", uri, headers, null, response);
  }

  @HEAD
  @Path("{path: .+}")
  public Response forwardHead(
      @Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerResponse response) {
    return forward("HEAD", uri, headers, null, response);
  }

  @OPTIONS
  @Path("{path: .+}")
  public Response forwardOptions(
      @Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerResponse response) {
    return forward("OPTIONS", uri, headers, null, response);
  }

  @DELETE
  @Path("{path: .+}")
  public Response forwardDelete(
      @Context UriInfo uri, @Context HttpHeaders headers, @Context HttpServerResponse response) {
    return forward("DELETE", uri, headers, null, response);
  }

  @POST
  @Path("{path: .+}")
  @Consumes(MediaType.WILDCARD)
  public Response forwardPost(
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      @Context HttpServerResponse response,
      InputStream body) {
    return forward("POST", uri, headers, body, response);
  }

  @PUT
  @Path("{path: .+}")
  @Consumes(MediaType.WILDCARD)
  public Response forwardPut(
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      @Context HttpServerResponse response,
      InputStream body) {
    return forward("PUT", uri, headers, body, response);
  }

  @PATCH
  @Path("{path: .+}")
  @Consumes(MediaType.WILDCARD)
  public Response forwardPatch(
      @Context UriInfo uri,
      @Context HttpHeaders headers,
      @Context HttpServerResponse response,
      InputStream body) {
    return forward("PATCH", uri, headers, body, response);
  }

  private Response forward(
      String method,
      UriInfo uri,
      HttpHeaders headers,
      InputStream body,
      HttpServerResponse response) {
    String path = uri.getRequestUri().getRawPath();
    String owner =
        proxy
            .ownerOf(method, path)
            .orElseThrow(
                () -> ProblemException.notFound("No service answers " + method + " " + path));
    return proxy.forward(owner, method, uri, headers, body, response::closed);
  }
}
