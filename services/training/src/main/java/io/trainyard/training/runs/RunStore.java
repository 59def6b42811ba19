package io.trainyard.training.runs;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.ModelTrained;
import io.trainyard.contracts.events.RunStatus;
import io.trainyard.contracts.events.TrainingCancelRequested;
import io.trainyard.contracts.events.TrainingEnded;
import io.trainyard.contracts.events.TrainingProgress;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.models.training.EpochResult;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The run table and every state change of a run, each in one transaction with the event that
 * announces it (outbox). Runs are queued from {@code trainyard.training.requested} and leased by
 * workers (ADR 0005): {@link #claim} takes the oldest claimable run with {@code FOR UPDATE SKIP
 * LOCKED}, so replicas never take the same run, and a run whose lease ran out (its worker died) is
 * claimable again.
 */
@ApplicationScoped
public class RunStore {

  private static final Logger LOG = Logger.getLogger(RunStore.class);

  private final Outbox outbox;
  private final EntityManager entityManager;

  public RunStore(Outbox outbox, EntityManager entityManager) {
    this.outbox = outbox;
    this.entityManager = entityManager;
  }

  /**
   * Queues the requested run, in the request event's transaction. A run id that is already known
   * changes nothing: one run id trains once, however often it is requested.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void enqueue(IncomingEvent<TrainingRequested> event) {
    TrainingRequested request = event.payload();
    Run existing = Run.findById(request.runId());
    if (existing != null) {
      LOG.infof(
          "run %s is already %s; request %s changes nothing",
          request.runId(), existing.state, event.id());
      return;
    }
    Run run = new Run();
    run.runId = request.runId();
    run.pipeline = request.pipeline();
    run.datasetVersion = request.datasetVersion();
    run.trigger = request.trigger().wire();
    run.reason = request.reason();
    run.parentModel = request.parentModel();
    run.state = Run.QUEUED;
    run.attempts = 0;
    run.requestEnvelope = event.envelope() == null ? null : Json.write(event.envelope());
    run.requestedAt = Instant.now();
    Optional<String> cancelled = cancelReason(run.runId);
    if (cancelled.isPresent()) {
      // Its cancellation arrived first: the run is recorded, and ends before it ever runs.
      run.persist();
      finish(run, RunStatus.CANCELLED, cancelled.get());
      LOG.infof("run %s cancelled as it was queued: %s", run.runId, cancelled.get());
      return;
    }
    run.persist();
    LOG.infof(
        "run %s queued: %s v%d (%s)", run.runId, run.pipeline, run.datasetVersion, run.reason);
  }

  /**
   * Records a cancellation request, in the request event's transaction. A queued run ends {@code
   * cancelled} now; a running run's worker learns of it (at once on this replica through {@link
   * RunWorker#cancelIfRunning}, at its next lease renewal on another) and stops before its next
   * mini-batch; a finished run is left as it is; a run not queued yet is cancelled as it is queued.
   * The first request for a run is the one kept.
   *
   * @return the run's state after the request (empty for a run not known yet)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public Optional<String> requestCancel(IncomingEvent<TrainingCancelRequested> event) {
    TrainingCancelRequested request = event.payload();
    entityManager
        .createNativeQuery(
            "insert into run_cancel_request (run_id, reason, requested_by) values (?1, ?2, ?3)"
                + " on conflict (run_id) do nothing")
        .setParameter(1, request.runId())
        .setParameter(2, request.reason())
        .setParameter(3, request.requestedBy())
        .executeUpdate();
    Run run = Run.findById(request.runId(), jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
    if (run == null) {
      LOG.infof(
          "run %s is not known (yet): it will be cancelled if it is ever queued", request.runId());
      return Optional.empty();
    }
    if (run.isFinished()) {
      LOG.infof(
          "run %s is already %s; its cancellation changes nothing", request.runId(), run.state);
    } else if (Run.QUEUED.equals(run.state)) {
      String reason = cancelReason(run.runId).orElse(request.reason());
      finish(run, RunStatus.CANCELLED, reason);
      LOG.infof("run %s cancelled while queued: %s", run.runId, reason);
    } else {
      LOG.infof("run %s is running: it stops before its next mini-batch", run.runId);
    }
    return Optional.of(run.state);
  }

  /** The reason of the cancellation requested for {@code runId}; empty when none was. */
  public Optional<String> cancelReason(String runId) {
    return QuarkusTransaction.joiningExisting()
        .call(
            () -> {
              @SuppressWarnings("unchecked")
              List<String> reasons =
                  entityManager
                      .createNativeQuery("select reason from run_cancel_request where run_id = ?1")
                      .setParameter(1, runId)
                      .getResultList();
              return reasons.stream().findFirst();
            });
  }

  /** The outcome of a lease renewal. */
  public enum Lease {
    /** Still held by the worker. */
    HELD,
    /** Held, and the run's cancellation was requested. */
    CANCEL_REQUESTED,
    /** Lost: another worker took the run, or it ended. */
    LOST
  }

  /** Leases the oldest claimable run to {@code owner}: queued, or running with a lapsed lease. */
  public Optional<Run> claim(String owner, Duration lease) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              @SuppressWarnings("unchecked")
              List<String> ids =
                  entityManager
                      .createNativeQuery(
                          "update run set state = 'running', lease_owner = ?1, lease_until = now()"
                              + " + make_interval(secs => ?2), attempts = attempts + 1, started_at"
                              + " = coalesce(started_at, now()) where run_id = (select run_id from"
                              + " run   where (state = 'queued' and (lease_until is null or"
                              + " lease_until < now()))      or (state = 'running' and lease_until"
                              + " < now())   order by requested_at, run_id limit 1 for update skip"
                              + " locked) returning run_id")
                      .setParameter(1, owner)
                      .setParameter(2, (double) lease.toSeconds())
                      .getResultList();
              if (ids.isEmpty()) {
                return Optional.<Run>empty();
              }
              entityManager.flush();
              entityManager.clear();
              return Optional.of(Run.<Run>findById(ids.get(0)));
            });
  }

  /**
   * Extends the lease, and tells whether the run's cancellation was requested meanwhile: {@link
   * Lease#LOST} when {@code owner} no longer holds it (another worker took over).
   */
  public Lease renew(String runId, String owner, Duration lease) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              @SuppressWarnings("unchecked")
              List<Object> rows =
                  entityManager
                      .createNativeQuery(
                          "update run set lease_until = now() + make_interval(secs => ?3)"
                              + " where run_id = ?1 and lease_owner = ?2 and state = 'running'"
                              + " returning exists (select 1 from run_cancel_request c"
                              + " where c.run_id = ?1)")
                      .setParameter(1, runId)
                      .setParameter(2, owner)
                      .setParameter(3, (double) lease.toSeconds())
                      .getResultList();
              if (rows.isEmpty()) {
                return Lease.LOST;
              }
              return Boolean.TRUE.equals(rows.get(0)) ? Lease.CANCEL_REQUESTED : Lease.HELD;
            });
  }

  /** Records that the run's current attempt resumed after the checkpoint of {@code epoch}. */
  public void recordResume(String runId, int epoch) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                entityManager
                    .createNativeQuery("update run set resumed_from_epoch = ?2 where run_id = ?1")
                    .setParameter(1, runId)
                    .setParameter(2, epoch)
                    .executeUpdate());
  }

  /** Records the device the run trains on. */
  public void recordDevice(String runId, String device) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                entityManager
                    .createNativeQuery("update run set device = ?2 where run_id = ?1")
                    .setParameter(1, runId)
                    .setParameter(2, device)
                    .executeUpdate());
  }

  /** Seconds the run has trained so far, over all its attempts. */
  public double computeSeconds(String runId) {
    return QuarkusTransaction.requiringNew()
        .call(() -> Run.<Run>findByIdOptional(runId).map(r -> r.computeSeconds).orElse(0.0));
  }

  /** The epochs of the run recorded so far. */
  public java.util.Set<Integer> recordedEpochs(String runId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                RunEpoch.ofRun(runId).stream()
                    .map(e -> e.epoch)
                    .collect(java.util.stream.Collectors.toSet()));
  }

  /** Whether the run has ended (succeeded, failed or cancelled); false for an unknown run. */
  public boolean isFinished(String runId) {
    return QuarkusTransaction.requiringNew()
        .call(() -> Run.<Run>findByIdOptional(runId).map(Run::isFinished).orElse(false));
  }

  /** Gives the run back to the queue, claimable again after {@code delay}. */
  public void defer(String runId, Duration delay, String why) {
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                entityManager
                    .createNativeQuery(
                        "update run set state = 'queued', lease_owner = null,"
                            + " lease_until = now() + make_interval(secs => ?2),"
                            + " status_reason = ?3 where run_id = ?1 and state = 'running'")
                    .setParameter(1, runId)
                    .setParameter(2, (double) delay.toSeconds())
                    .setParameter(3, why)
                    .executeUpdate());
  }

  /** Records a finished epoch and publishes its progress event. */
  public void recordEpoch(Run run, EpochResult epoch) {
    recordEpoch(run, epoch, null);
  }

  /**
   * Records a finished epoch and publishes its progress event, with {@code etaSeconds} (nullable)
   * the estimated time until the last epoch ends.
   */
  public void recordEpoch(Run run, EpochResult epoch, Double etaSeconds) {
    recordEpoch(run, epoch, etaSeconds, 0);
  }

  /**
   * Records a finished epoch and publishes its progress event, with {@code etaSeconds} (nullable)
   * the estimated time until the last epoch ends, adding {@code seconds} of training to the run's
   * compute.
   */
  public void recordEpoch(Run run, EpochResult epoch, Double etaSeconds, double seconds) {
    recordEpoch(run, epoch, etaSeconds, seconds, null);
  }

  /**
   * As {@link #recordEpoch(Run, EpochResult, Double, double)}, for an epoch of candidate {@code
   * candidate} of a model selection (null without one); the epoch is numbered run-wide.
   */
  public void recordEpoch(
      Run run, EpochResult epoch, Double etaSeconds, double seconds, Integer candidate) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              if (seconds > 0) {
                entityManager
                    .createNativeQuery(
                        "update run set compute_seconds = compute_seconds + ?2 where run_id = ?1")
                    .setParameter(1, run.runId)
                    .setParameter(2, seconds)
                    .executeUpdate();
              }
              RunEpoch row = RunEpoch.findById(new RunEpoch.Key(run.runId, epoch.epoch()));
              if (row == null) {
                row = new RunEpoch();
                row.runId = run.runId;
                row.epoch = epoch.epoch();
              }
              row.trainLoss = epoch.trainLoss();
              row.valLoss = finite(epoch.valLoss());
              row.valAccuracy = finite(epoch.valAccuracy());
              row.learningRate = finite(epoch.learningRate());
              row.samplesPerSecond = finite(epoch.samplesPerSecond());
              row.gradientNorm = finite(epoch.gradientNorm());
              row.etaSeconds = etaSeconds == null ? null : finite(etaSeconds);
              Map<String, Double> further = new java.util.TreeMap<>();
              epoch
                  .metrics()
                  .forEach(
                      (name, value) -> {
                        if (Double.isFinite(value)) {
                          further.put(name, value);
                        }
                      });
              row.metricsJson = further.isEmpty() ? null : Json.write(further);
              row.recordedAt = Instant.now();
              row.candidate = candidate;
              row.persist();
              Run current = Run.findById(run.runId);
              current.epochsMax = epoch.epochs();
              // val_accuracy (classification), then the task's further validation metrics
              Map<String, Double> metrics = new java.util.LinkedHashMap<>();
              if (row.valAccuracy != null) {
                metrics.put("val_accuracy", row.valAccuracy);
              }
              metrics.putAll(further);
              publish(
                  run,
                  Topic.TRAINING_PROGRESS,
                  new TrainingProgress(
                      run.runId,
                      run.pipeline,
                      epoch.epoch(),
                      epoch.epochs(),
                      epoch.trainLoss(),
                      row.valLoss,
                      metrics,
                      row.learningRate,
                      row.gradientNorm,
                      row.samplesPerSecond,
                      etaSeconds,
                      candidate),
                  run.runId,
                  run.attempts,
                  epoch.epoch());
            });
  }

  /**
   * The model version of the run: allocated once (the next version of its pipeline, under a
   * per-pipeline lock), then the same on every later call, so a resumed run writes where it began.
   */
  public int modelVersion(String runId) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Run run = Run.findById(runId);
              if (run.modelVersion != null) {
                return run.modelVersion;
              }
              entityManager
                  .createNativeQuery("select pg_advisory_xact_lock(hashtext(?1))")
                  .setParameter(1, "training:model-version:" + run.pipeline)
                  .getSingleResult();
              Integer max =
                  entityManager
                      .createQuery(
                          "select max(m.version) from ModelVersion m where m.pipeline = ?1",
                          Integer.class)
                      .setParameter(1, run.pipeline)
                      .getSingleResult();
              ModelVersion model = new ModelVersion();
              model.pipeline = run.pipeline;
              model.version = (max == null ? 0 : max) + 1;
              model.runId = runId;
              model.createdAt = Instant.now();
              model.persist();
              run.modelVersion = model.version;
              return model.version;
            });
  }

  /** Marks the run succeeded and announces its model, once. */
  public void succeed(Run run, ModelTrained trained, int bestEpoch, String reason) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Run current = Run.findById(run.runId);
              if (current.isFinished()) {
                LOG.warnf(
                    "run %s is already %s; not announcing it again", run.runId, current.state);
                return;
              }
              current.state = Run.SUCCEEDED;
              current.statusReason = reason;
              current.bestEpoch = bestEpoch;
              current.candidatesJson =
                  trained.candidates() == null ? null : Json.write(trained.candidates());
              current.endedAt = Instant.now();
              current.leaseOwner = null;
              current.leaseUntil = null;
              publish(run, Topic.MODELS_TRAINED, trained, run.runId);
              publish(
                  run,
                  Topic.TRAINING_ENDED,
                  new TrainingEnded(
                      run.runId, run.pipeline, RunStatus.SUCCEEDED, reason, trained.modelVersion()),
                  run.runId);
            });
  }

  /** Ends the run as failed or cancelled, with its reason, once. */
  public void end(Run run, RunStatus status, String reason) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              Run current = Run.findById(run.runId);
              if (current.isFinished()) {
                return;
              }
              finish(current, status, reason);
            });
    LOG.infof("run %s %s: %s", run.runId, status.wire(), reason);
  }

  /**
   * Ends {@code run} (managed, in the current transaction) without a model and announces it: the
   * state, reason and end time set, the lease released, {@code training.ended} published.
   */
  private void finish(Run run, RunStatus status, String reason) {
    run.state = status.wire();
    run.statusReason = reason;
    run.endedAt = Instant.now();
    run.leaseOwner = null;
    run.leaseUntil = null;
    publish(
        run,
        Topic.TRAINING_ENDED,
        new TrainingEnded(run.runId, run.pipeline, status, reason, null),
        run.runId);
  }

  /** The runs of a pipeline, oldest first. */
  @Transactional
  public List<RunView> list(String pipeline) {
    return Run.ofPipeline(pipeline).stream()
        .map(r -> RunView.of(r, RunEpoch.ofRun(r.runId)))
        .toList();
  }

  /** One run. */
  @Transactional
  public Optional<RunView> find(String runId) {
    return Run.<Run>findByIdOptional(runId).map(r -> RunView.of(r, RunEpoch.ofRun(r.runId)));
  }

  /**
   * The progress of a run: its state, its epochs after epoch {@code afterEpoch} and, once it has
   * ended, how. The run is read before its epochs (each statement sees what was committed when it
   * began, and an epoch commits before the run ends), so a progress that says ended lists every
   * epoch.
   *
   * @return empty for an unknown run id
   */
  @Transactional
  public Optional<RunProgress> progress(String runId, int afterEpoch) {
    return Run.<Run>findByIdOptional(runId)
        .map(r -> RunProgress.of(r, RunEpoch.ofRunAfter(runId, afterEpoch)));
  }

  private void publish(Run run, Topic topic, Object payload, Object... businessKey) {
    Envelope parent =
        run.requestEnvelope == null
            ? null
            : Json.convert(Json.readTree(run.requestEnvelope), Envelope.class);
    if (parent == null) {
      outbox.publish(topic, payload, businessKey);
    } else {
      outbox.publishChildOf(parent, topic, payload, businessKey);
    }
  }

  private static Double finite(double value) {
    return Double.isFinite(value) ? value : null;
  }
}
