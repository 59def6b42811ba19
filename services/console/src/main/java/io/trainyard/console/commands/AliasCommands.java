package io.trainyard.console.commands;

import io.trainyard.console.pipelines.PipelineSpecRow;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.AliasRequested;
import io.trainyard.eventing.OutboxEvent;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.platform.problem.Problem;
import io.trainyard.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;

/**
 * Ops move a model alias (champion, challenger) to a version, e.g. a rollback: published as {@code
 * trainyard.models.alias-requested} through the outbox and answered at once with the command's id.
 * Evaluation moves the alias if it evaluated the version (and publishes {@code
 * trainyard.models.promoted}); the outcome is at {@code GET
 * /api/v1/pipelines/{name}/aliases/{alias}/history}.
 */
@ApplicationScoped
public class AliasCommands {

  /** The body of {@code POST /api/v1/pipelines/{name}/aliases/{alias}}. */
  public record AliasRequest(Integer version, String reason) {}

  /**
   * The answer: the command's id (the CloudEvent id of the request), what was asked, and where to
   * follow it.
   */
  public record Accepted(
      String commandId,
      String pipeline,
      String alias,
      int version,
      String reason,
      String requestedBy,
      String status) {}

  private final Outbox outbox;

  public AliasCommands(Outbox outbox) {
    this.outbox = outbox;
  }

  /**
   * Requests that {@code alias} of {@code pipeline} point at a version.
   *
   * @throws ProblemException 404 for a pipeline without a spec; 400 for an alias other than
   *     champion or challenger, a missing or invalid version, a blank or over-long reason
   */
  @Transactional
  public Accepted move(String pipeline, String alias, AliasRequest request, String by) {
    AliasRequested requested = validate(pipeline, alias, request, by);
    if (PipelineSpecRow.findById(pipeline) == null) {
      throw ProblemException.notFound(
          "No pipeline named '"
              + pipeline
              + "': apply its spec first (PUT /api/v1/pipelines/{name})");
    }
    OutboxEvent event =
        outbox.publish(
            Topic.MODELS_ALIAS_REQUESTED,
            requested,
            pipeline,
            requested.alias().wire(),
            requested.version(),
            UUID.randomUUID().toString());
    return new Accepted(
        event.envelope().id(),
        pipeline,
        requested.alias().wire(),
        requested.version(),
        requested.reason(),
        by,
        "/api/v1/pipelines/" + pipeline + "/aliases/" + requested.alias().wire() + "/history");
  }

  /**
   * Checks a request and builds its event.
   *
   * @throws ProblemException 400 naming the field
   */
  static AliasRequested validate(String pipeline, String alias, AliasRequest request, String by) {
    Alias parsed;
    try {
      parsed = Alias.fromWire(alias);
    } catch (IllegalArgumentException e) {
      throw invalid("alias", "alias is champion or challenger, not '" + alias + "'");
    }
    if (request == null || request.version() == null || request.version() < 1) {
      throw invalid("version", "version is required: the model version to point at (1, 2, ...)");
    }
    if (request.reason() == null || request.reason().isBlank()) {
      throw invalid("reason", "reason is required: why the alias moves, kept in its history");
    }
    if (request.reason().length() > RunCommands.MAX_REASON) {
      throw invalid("reason", "reason is at most " + RunCommands.MAX_REASON + " characters");
    }
    return new AliasRequested(pipeline, parsed, request.version(), request.reason().strip(), by);
  }

  private static ProblemException invalid(String field, String detail) {
    return ProblemException.validation(
        detail, List.of(new Problem.FieldError(field, null, detail)));
  }
}
