package io.trainyard.evaluation.models;

import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.AliasRequested;
import io.trainyard.contracts.events.ModelPromoted;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.quarkus.Outbox;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Moves aliases on ops' request ({@code trainyard.models.alias-requested}, e.g. a rollback): in the
 * request's transaction the alias is moved, the move is appended to the alias history, and {@code
 * trainyard.models.promoted} is published with the previous holder and the reason.
 */
@ApplicationScoped
public class AliasService {

  private static final Logger LOG = Logger.getLogger(AliasService.class);

  private final Outbox outbox;

  public AliasService(Outbox outbox) {
    this.outbox = outbox;
  }

  /**
   * Handles one {@code models.alias-requested} event, in its transaction.
   *
   * @throws PoisonEventException when the version was never evaluated (the request is dead-lettered
   *     with that reason)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onAliasRequested(IncomingEvent<AliasRequested> event) {
    AliasRequested request = event.payload();
    if (ModelAliasHistory.recorded(event.id())) {
      LOG.infof("alias request %s has already moved %s", event.id(), request.alias());
      return;
    }
    ModelEvaluation evaluation =
        ModelEvaluation.of(request.pipeline(), request.version())
            .orElseThrow(() -> new PoisonEventException(notEvaluated(request)));
    String alias = request.alias().wire();
    Optional<ModelAlias> current = ModelAlias.of(request.pipeline(), alias);
    Integer previous = current.map(a -> a.version).orElse(null);
    if (previous != null && previous == request.version()) {
      LOG.infof(
          "%s %s already points at v%d; nothing to move (%s)",
          request.pipeline(), alias, request.version(), request.reason());
      return;
    }
    move(
        request.pipeline(),
        request.alias(),
        current,
        request.version(),
        request.reason(),
        request.requestedBy(),
        evaluation.datasetVersion,
        event.id());
    LOG.infof(
        "%s %s moved to v%d (was %s) by %s: %s",
        request.pipeline(),
        alias,
        request.version(),
        previous == null ? "none" : "v" + previous,
        request.requestedBy(),
        request.reason());
  }

  /**
   * Points an alias at a version, in the current transaction: the alias row is written, the move
   * appended to the history, and {@code trainyard.models.promoted} published with the previous
   * holder and the reason. Ops' requests and evaluation's automatic promotions both move aliases
   * here.
   *
   * @param current the alias row as it is, if any
   * @param requestedBy who asked; {@code null} for an automatic promotion
   * @param datasetVersion the dataset version the model was trained on
   * @param causeEventId the id of the event that caused the move (part of the promoted event's id)
   */
  void move(
      String pipeline,
      Alias alias,
      Optional<ModelAlias> current,
      int version,
      String reason,
      String requestedBy,
      int datasetVersion,
      String causeEventId) {
    Integer previous = current.map(a -> a.version).orElse(null);
    ModelAlias row = current.orElseGet(ModelAlias::new);
    row.pipeline = pipeline;
    row.alias = alias.wire();
    row.version = version;
    row.reason = reason;
    row.updatedAt = Instant.now();
    row.persist();
    ModelAliasHistory.append(
        pipeline,
        alias.wire(),
        version,
        previous,
        reason,
        requestedBy,
        row.updatedAt,
        causeEventId);
    outbox.publish(
        Topic.MODELS_PROMOTED,
        new ModelPromoted(pipeline, alias, version, previous, reason, datasetVersion, null),
        pipeline,
        alias.wire(),
        version,
        causeEventId);
  }

  /** The dead-letter reason of a request for a version evaluation never evaluated. */
  static String notEvaluated(AliasRequested request) {
    return "model version "
        + request.version()
        + " of pipeline '"
        + request.pipeline()
        + "' is not evaluated: "
        + request.alias().wire()
        + " can only point at an evaluated version";
  }
}
