package io.trainyard.drift.monitor;

import io.trainyard.contracts.Commands;
import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.DriftDecision;
import io.trainyard.contracts.events.DriftDetected;
import io.trainyard.contracts.events.DriftDetected.FeatureDrift;
import io.trainyard.contracts.events.FeedbackWindow;
import io.trainyard.contracts.events.TrainingEnded;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The spec's retrain policy ({@code monitoring.retrain}): after {@code afterDriftedWindows} drifted
 * windows of the champion in a row, request a retrain on the pipeline's latest dataset version
 * ({@code training.requested}, trigger {@code drift}, the champion as {@code parentModel}, so that
 * training warm-starts from it when the spec's {@code training.warmStart} asks), or with {@code
 * freshData} on fresh data ({@code datasets.ingest-requested} with the drifted period as {@code
 * feedback}, after which ingestion requests the training), unless one was requested less than
 * {@code cooldown} ago or {@code maxConcurrent} requested ones have not ended (a request older than
 * {@code trainyard.drift.retrain-timeout}, 6 h, no longer counts). The request is a child of the
 * drift event that made it due: the chain from drift to the next champion carries that event's
 * correlation id.
 */
@ApplicationScoped
public class RetrainPolicy {

  private static final Logger LOG = Logger.getLogger(RetrainPolicy.class);

  private final Outbox outbox;
  private final io.trainyard.platform.specs.PipelineCatalog catalog;
  private final Clock clock;
  private final java.time.Duration requestTimeout;

  @jakarta.inject.Inject
  public RetrainPolicy(
      Outbox outbox,
      io.trainyard.platform.specs.PipelineCatalog catalog,
      @org.eclipse.microprofile.config.inject.ConfigProperty(
              name = "trainyard.drift.retrain-timeout",
              defaultValue = "PT6H")
          java.time.Duration requestTimeout) {
    this(outbox, catalog, Clock.systemUTC(), requestTimeout);
  }

  RetrainPolicy(
      Outbox outbox,
      io.trainyard.platform.specs.PipelineCatalog catalog,
      Clock clock,
      java.time.Duration requestTimeout) {
    this.outbox = outbox;
    this.catalog = catalog;
    this.clock = clock;
    this.requestTimeout = requestTimeout;
  }

  /** Counts a tested window of the champion, and requests a retrain when one is due. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onChampionWindow(
      DriftDetected window, Envelope driftEvent, PipelineSpec.Retrain policy) {
    String pipeline = window.pipeline();
    RetrainState state = RetrainState.forPipeline(pipeline);
    if (state.modelVersion != window.modelVersion()) {
      state.modelVersion = window.modelVersion();
      state.consecutive = 0;
    }
    if (window.decision() == DriftDecision.STABLE) {
      state.consecutive = 0;
      state.runFrom = null;
      state.heldBack = null;
      state.persist();
      return;
    }
    if (state.consecutive == 0 || state.runFrom == null) {
      state.runFrom = window.window().from();
    }
    state.consecutive++;
    state.persist();
    if (state.consecutive < policy.afterDriftedWindows()) {
      LOG.infof(
          "%s: %d of %d drifted windows before a retrain",
          pipeline, state.consecutive, policy.afterDriftedWindows());
      return;
    }
    Instant now = clock.instant();
    java.util.Optional<String> heldBack = heldBack(state, policy, now);
    if (heldBack.isPresent()) {
      state.heldBack = heldBack.get();
      LOG.infof("%s: a retrain is due but held back: %s", pipeline, state.heldBack);
      return;
    }
    int datasetVersion = latestDatasetVersion(pipeline).orElseThrow();
    String reason = reason(window, state.consecutive);
    String requestId;
    if (policy.freshData()) {
      // ingestion joins the period's labeled inference events onto the latest version and
      // requests the training (trigger drift): a grandchild of the drift event
      FeedbackWindow period = new FeedbackWindow(state.runFrom, window.window().to().plusMillis(1));
      reason += "; fresh data from " + period.from() + " to " + period.to();
      requestId =
          outbox
              .publishChildOf(
                  driftEvent,
                  Topic.DATASETS_INGEST_REQUESTED,
                  new DatasetIngestRequested(
                      pipeline, null, null, null, null, Trigger.DRIFT, reason, null, period),
                  pipeline,
                  Trigger.DRIFT.wire(),
                  window.modelVersion(),
                  window.window().index())
              .envelope()
              .id();
    } else {
      requestId =
          EventIds.of(
              Topic.TRAINING_REQUESTED,
              pipeline,
              Trigger.DRIFT.wire(),
              window.modelVersion(),
              window.window().index());
      outbox.publishChildOf(
          driftEvent,
          Topic.TRAINING_REQUESTED,
          new TrainingRequested(
              requestId, pipeline, datasetVersion, Trigger.DRIFT, reason, window.modelVersion()),
          requestId);
    }
    RetrainRequest request =
        RetrainRequest.record(
            requestId, pipeline, window.modelVersion(), datasetVersion, Trigger.DRIFT, reason, now);
    request.driftEventId = driftEvent.id();
    request.freshData = policy.freshData();
    requested(state, now);
    LOG.infof(
        "%s: retrain %s requested %s: %s",
        pipeline,
        requestId,
        policy.freshData() ? "on fresh data" : "on dataset v" + datasetVersion,
        reason);
  }

  /**
   * A scheduled retrain for {@code minute} (trigger {@code schedule}) on the latest dataset
   * version, the champion as parent, unless it fired for that minute already, the cooldown runs, or
   * {@code maxConcurrent} retrains are running; false when none was requested.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public boolean scheduled(String pipeline, Instant minute, PipelineSpec.Retrain policy) {
    RetrainState state = RetrainState.forPipeline(pipeline);
    if (state.lastScheduledAt != null && !state.lastScheduledAt.isBefore(minute)) {
      return false;
    }
    state.lastScheduledAt = minute;
    state.persist();
    Instant now = clock.instant();
    java.util.Optional<String> heldBack =
        heldBack(state, policy, now)
            .or(
                () ->
                    latestDatasetVersion(pipeline).isEmpty()
                        ? java.util.Optional.of("no dataset version known")
                        : java.util.Optional.empty());
    if (heldBack.isPresent()) {
      state.heldBack = "scheduled retrain of " + minute + " skipped: " + heldBack.get();
      LOG.infof("%s: %s", pipeline, state.heldBack);
      return false;
    }
    int version = latestDatasetVersion(pipeline).orElseThrow();
    Integer parent = DriftReference.of(pipeline).map(r -> r.modelVersion).orElse(null);
    String runId =
        EventIds.of(Topic.TRAINING_REQUESTED, pipeline, Trigger.SCHEDULE.wire(), minute.toString());
    String reason =
        "scheduled retrain (monitoring.retrain.schedule '" + policy.schedule() + "') of " + minute;
    outbox.publish(
        Topic.TRAINING_REQUESTED,
        new TrainingRequested(runId, pipeline, version, Trigger.SCHEDULE, reason, parent),
        runId);
    RetrainRequest.record(runId, pipeline, parent, version, Trigger.SCHEDULE, reason, now);
    requested(state, now);
    LOG.infof("%s: retrain %s requested on dataset v%d: %s", pipeline, runId, version, reason);
    return true;
  }

  /**
   * A retrain requested by hand.
   *
   * @param commandId the id of the {@code training.requested} event
   * @param runId the run
   * @param datasetVersion the dataset version it trains on
   * @param parentModel the champion it retrains, if the pipeline has one
   * @param status where to follow the run
   */
  public record Manual(
      String commandId, String runId, int datasetVersion, Integer parentModel, String status) {}

  /**
   * Requests a retrain by hand (trigger {@code manual}): on {@code datasetVersion}, or the latest
   * version the monitor knows, the champion as parent. It is not held back by the cooldown or the
   * concurrency limit (an operator decided), but counts for them afterwards. With an {@code
   * idempotencyKey} the run id derives from it, so a retried call is the same run.
   *
   * @throws io.trainyard.platform.specs.UnknownPipelineException for a pipeline without a spec
   *     (404)
   * @throws ProblemException 400 for an invalid version, reason or key; 409 when no dataset version
   *     of the pipeline is known
   */
  @Transactional
  public Manual manual(
      String pipeline, Integer datasetVersion, String reason, String idempotencyKey, String by) {
    catalog.require(pipeline);
    if (datasetVersion != null && datasetVersion < 1) {
      throw ProblemException.badRequest("datasetVersion is a dataset version (1, 2, ...)");
    }
    if (reason != null && reason.length() > Commands.MAX_REASON) {
      throw ProblemException.badRequest("reason is at most " + Commands.MAX_REASON + " characters");
    }
    if (idempotencyKey != null && !Commands.IDEMPOTENCY_KEY.matcher(idempotencyKey).matches()) {
      throw ProblemException.badRequest(
          "Idempotency-Key is 1 to 200 printable ASCII characters without spaces");
    }
    int version =
        java.util.Optional.ofNullable(datasetVersion)
            .or(() -> latestDatasetVersion(pipeline))
            .orElseThrow(
                () ->
                    ProblemException.conflict(
                        "No dataset version of '"
                            + pipeline
                            + "' is known to drift-monitor yet: ingest one, or name"
                            + " datasetVersion"));
    Integer parent = DriftReference.of(pipeline).map(r -> r.modelVersion).orElse(null);
    String runId =
        idempotencyKey == null
            ? java.util.UUID.randomUUID().toString()
            : EventIds.of(Topic.TRAINING_REQUESTED, pipeline, "retrain", idempotencyKey);
    String why =
        (reason == null || reason.isBlank() ? "retrain requested by hand" : reason)
            + " (by "
            + by
            + ")";
    io.trainyard.eventing.OutboxEvent event =
        outbox.publish(
            Topic.TRAINING_REQUESTED,
            new TrainingRequested(runId, pipeline, version, Trigger.MANUAL, why, parent),
            runId);
    Instant now = clock.instant();
    RetrainRequest.record(runId, pipeline, parent, version, Trigger.MANUAL, why, now);
    RetrainState state = RetrainState.forPipeline(pipeline);
    requested(state, now);
    state.persist();
    LOG.infof("%s: retrain %s requested by %s on dataset v%d", pipeline, runId, by, version);
    return new Manual(event.envelope().id(), runId, version, parent, "/api/v1/runs/" + runId);
  }

  /**
   * Why a retrain due now is held back: the cooldown since the last request runs, or {@code
   * maxConcurrent} requests have not ended (a request older than the timeout no longer counts).
   */
  private java.util.Optional<String> heldBack(
      RetrainState state, PipelineSpec.Retrain policy, Instant now) {
    if (state.lastRequestedAt != null
        && now.isBefore(state.lastRequestedAt.plus(policy.cooldown()))) {
      return java.util.Optional.of(
          "cooling down until "
              + state.lastRequestedAt.plus(policy.cooldown())
              + " (cooldown "
              + policy.cooldown()
              + ")");
    }
    long running = RetrainRequest.running(state.pipeline, now.minus(requestTimeout));
    if (running >= policy.maxConcurrent()) {
      return java.util.Optional.of(
          running + " retrain(s) not ended yet (maxConcurrent " + policy.maxConcurrent() + ")");
    }
    return java.util.Optional.empty();
  }

  /** A retrain was requested now: the cooldown starts, the run of drifted windows ends. */
  private static void requested(RetrainState state, Instant now) {
    state.lastRequestedAt = now;
    state.consecutive = 0;
    state.runFrom = null;
    state.heldBack = null;
  }

  /** The latest dataset version the monitor saw ingested, else the reference's. */
  private static java.util.Optional<Integer> latestDatasetVersion(String pipeline) {
    return LatestDataset.of(pipeline)
        .or(() -> DriftReference.of(pipeline).map(r -> r.datasetVersion));
  }

  static String reason(DriftDetected window, int consecutive) {
    List<String> drifted =
        window.features().stream()
            .filter(FeatureDrift::drifted)
            .map(FeatureDrift::feature)
            .toList();
    return consecutive
        + " drifted window(s) in a row of champion v"
        + window.modelVersion()
        + "; window "
        + window.window().index()
        + ": drift share "
        + String.format("%.2f", window.driftShare())
        + " >= "
        + window.threshold()
        + ", drifted "
        + drifted;
  }

  /** Remembers the latest dataset version of a pipeline (challenge sets are not trained on). */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onIngested(IncomingEvent<DatasetIngested> event) {
    DatasetIngested ingested = event.payload();
    if (ingested.challengeSet() != null) {
      return;
    }
    LatestDataset row =
        LatestDataset.<LatestDataset>findByIdOptional(ingested.pipeline())
            .orElseGet(
                () -> {
                  LatestDataset d = new LatestDataset();
                  d.pipeline = ingested.pipeline();
                  return d;
                });
    if (ingested.version() > row.latestVersion) {
      row.latestVersion = ingested.version();
      row.persist();
    }
  }

  /**
   * Marks a retrain this monitor requested as ended: the run it requested, or (on fresh data) the
   * run ingestion requested in the chain its drift event started.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onEnded(IncomingEvent<TrainingEnded> event) {
    TrainingEnded ended = event.payload();
    RetrainRequest.of(ended.runId())
        .or(
            () ->
                event.envelope() == null
                    ? java.util.Optional.empty()
                    : RetrainRequest.ofDriftEvent(event.envelope().correlationId()))
        .filter(request -> request.endedAt == null)
        .ifPresent(
            request -> {
              request.endedAt = clock.instant();
              request.status = ended.status().wire();
              request.modelTrained = ended.modelVersion();
              LOG.infof(
                  "%s: retrain %s ended %s%s",
                  request.pipeline,
                  request.runId,
                  request.status,
                  ended.modelVersion() == null ? "" : " with model v" + ended.modelVersion());
            });
  }
}
