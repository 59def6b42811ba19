package io.trainyard.evaluation.models;

import io.trainyard.contracts.events.Alias;
import io.trainyard.platform.auth.Roles;
import io.trainyard.platform.problem.ProblemException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;

/**
 * {@code /api/v1/pipelines/{name}/aliases/{alias}}: where an alias points (now, or at an instant)
 * and its history of moves. Ops move aliases through the console ({@code POST} on the same path,
 * published as {@code trainyard.models.alias-requested}).
 */
@Path("/api/v1/pipelines/{name}/aliases/{alias}")
public class AliasesResource {

  /**
   * The move in force: the latest, or with {@code at} (RFC 3339) the one in force then: which
   * version held the alias and why.
   */
  @GET
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public AliasTimeline.Move get(
      @PathParam("name") String name,
      @PathParam("alias") String aliasText,
      @QueryParam("at") String at) {
    Alias alias = AliasTimeline.parseAlias(aliasText);
    Instant instant = at == null ? Instant.now() : AliasTimeline.parseAt(at);
    return AliasTimeline.heldAt(moves(name, alias), instant)
        .orElseThrow(
            () ->
                ProblemException.notFound(
                    at == null
                        ? "Pipeline '" + name + "' has no " + alias.wire() + " yet"
                        : "No version of '" + name + "' was " + alias.wire() + " at " + instant));
  }

  /** Every move of the alias, oldest first. */
  @GET
  @Path("history")
  @RolesAllowed(Roles.VIEWER)
  @Produces(MediaType.APPLICATION_JSON)
  @Transactional
  public List<AliasTimeline.Move> history(
      @PathParam("name") String name, @PathParam("alias") String aliasText) {
    return moves(name, AliasTimeline.parseAlias(aliasText));
  }

  private static List<AliasTimeline.Move> moves(String name, Alias alias) {
    return ModelAliasHistory.of(name, alias.wire()).stream().map(ModelAliasHistory::move).toList();
  }
}
