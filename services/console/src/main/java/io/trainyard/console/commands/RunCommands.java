package io.trainyard.console.commands;

import io.trainyard.console.pipelines.PipelineSpecRow;
import io.trainyard.contracts.Commands;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.TrainingCancelRequested;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.eventing.OutboxEvent;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.platform.problem.Problem;
import io.trainyard.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The run commands of ops: train now and cancel a run. Each is published as an event (through the
 * outbox, in one transaction with nothing else) and answered at once with the command's id; the
 * outcome arrives as training's own events ({@code trainyard.training.ended}), and the run's state
 * is at {@code GET /api/v1/runs/{runId}}.
 */
@ApplicationScoped
public class RunCommands {

  /** What a run id looks like (the contracts' {@code runId} definition). */
  static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /** What an idempotency key looks like: printable ASCII, 1 to 200 characters. */
  static final Pattern IDEMPOTENCY_KEY = Commands.IDEMPOTENCY_KEY;

  static final int MAX_REASON = Commands.MAX_REASON;

  /** The body of {@code POST /api/v1/pipelines/{name}/runs}. */
  public record TrainRequest(Integer datasetVersion, String reason, Integer parentModel) {}

  /** The body of {@code POST /api/v1/runs/{id}/cancel}; may be absent. */
  public record CancelRequest(String reason) {}

  /**
   * The answer to a command: its id (the CloudEvent id of the event it published), the run it is
   * about, and where to follow it.
   */
  public record Accepted(String commandId, String runId, String status) {}

  private final Outbox outbox;

  public RunCommands(Outbox outbox) {
    this.outbox = outbox;
  }

  /**
   * Requests a run of {@code pipeline} on a dataset version (trigger {@code manual}). With an
   * {@code idempotencyKey} the run id is derived from it, so a retried request is the same run
   * (training runs a run id once); without one, each call is a new run.
   *
   * @throws ProblemException 404 for a pipeline without a spec, 400 for a missing or invalid
   *     dataset version, parent model, reason or idempotency key
   */
  @Transactional
  public Accepted train(String pipeline, TrainRequest request, String idempotencyKey, String by) {
    if (PipelineSpecRow.findById(pipeline) == null) {
      throw ProblemException.notFound(
          "No pipeline named '"
              + pipeline
              + "': apply its spec first (PUT /api/v1/pipelines/{name})");
    }
    if (request == null || request.datasetVersion() == null || request.datasetVersion() < 1) {
      throw invalid(
          "datasetVersion",
          "datasetVersion is required: the dataset version to train on (1, 2, ...)");
    }
    if (request.parentModel() != null && request.parentModel() < 1) {
      throw invalid("parentModel", "parentModel is a model version (1, 2, ...)");
    }
    String runId;
    if (idempotencyKey == null || idempotencyKey.isBlank()) {
      runId = UUID.randomUUID().toString();
    } else {
      if (!IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
        throw invalid(
            "Idempotency-Key",
            "Idempotency-Key is 1 to 200 printable ASCII characters without spaces");
      }
      runId = EventIds.of(Topic.TRAINING_REQUESTED, pipeline, "console", idempotencyKey);
    }
    String reason = reason(request.reason(), "requested through the console by " + by);
    OutboxEvent event =
        outbox.publish(
            Topic.TRAINING_REQUESTED,
            new TrainingRequested(
                runId,
                pipeline,
                request.datasetVersion(),
                Trigger.MANUAL,
                reason,
                request.parentModel()),
            runId);
    return new Accepted(event.envelope().id(), runId, "/api/v1/runs/" + runId);
  }

  /**
   * Asks training to cancel run {@code runId}. The console does not know the runs: training answers
   * the outcome (a queued or running run ends {@code cancelled}; a finished one is left as it is,
   * and so is an id it never hears of).
   *
   * @throws ProblemException 400 for an id that cannot be a run id, or a reason over 1,000
   *     characters
   */
  @Transactional
  public Accepted cancel(String runId, CancelRequest request, String by) {
    if (!RUN_ID.matcher(runId).matches()) {
      throw invalid("runId", "'" + runId + "' is not a run id");
    }
    String reason =
        reason(request == null ? null : request.reason(), "cancelled through the console by " + by);
    OutboxEvent event =
        outbox.publish(
            Topic.TRAINING_CANCEL_REQUESTED,
            new TrainingCancelRequested(runId, reason, by),
            runId,
            UUID.randomUUID().toString());
    return new Accepted(event.envelope().id(), runId, "/api/v1/runs/" + runId);
  }

  private static String reason(String given, String otherwise) {
    if (given == null || given.isBlank()) {
      return otherwise;
    }
    if (given.length() > MAX_REASON) {
      throw invalid("reason", "reason is at most " + MAX_REASON + " characters");
    }
    return given.strip();
  }

  private static ProblemException invalid(String field, String detail) {
    return ProblemException.validation(
        detail, List.of(new Problem.FieldError(field, null, detail)));
  }
}
