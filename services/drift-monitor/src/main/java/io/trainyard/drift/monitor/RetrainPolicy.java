package io.trainyard.drift.monitor;

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
    RetrainState state =
        RetrainState.of(pipeline)
            .orElseGet(
                () -> {
                  RetrainState s = new RetrainState();
                  s.pipeline = pipeline;
                  s.modelVersion = window.modelVersion();
                  return s;
                });
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
    if (state.lastRequestedAt != null
        && now.isBefore(state.lastRequestedAt.plus(policy.cooldown()))) {
      state.heldBack =
          "cooling down until "
              + state.lastRequestedAt.plus(policy.cooldown())
              + " (cooldown "
              + policy.cooldown()
              + ")";
      LOG.infof("%s: a retrain is due but held back: %s", pipeline, state.heldBack);
      return;
    }
    long running = RetrainRequest.running(pipeline, now.minus(requestTimeout));
    if (running >= policy.maxConcurrent()) {
      state.heldBack =
          running + " retrain(s) not ended yet (maxConcurrent " + policy.maxConcurrent() + ")";
      LOG.infof("%s: a retrain is due but held back: %s", pipeline, state.heldBack);
      return;
    }
    int datasetVersion =
        LatestDataset.of(pipeline)
            .orElseGet(() -> DriftReference.of(pipeline).orElseThrow().datasetVersion);
    String reason = reason(window, state.consecutive);
    String requestId;
    if (policy.freshData()) {
      // ingestion joins the period's labeled inference events onto the latest version and
      // requests the training (trigger drift): a grandchild of the drift event
      FeedbackWindow period = new FeedbackWindow(state.runFrom, window.window().to().plusMillis(1));
      requestId =
          outbox
              .publishChildOf(
                  driftEvent,
                  Topic.DATASETS_INGEST_REQUESTED,
                  new DatasetIngestRequested(
                      pipeline,
                      null,
                      null,
                      null,
                      null,
                      Trigger.DRIFT,
                      reason + "; fresh data from " + period.from() + " to " + period.to(),
                      null,
                      period),
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
    RetrainRequest request = new RetrainRequest();
    request.runId = requestId;
    request.freshData = policy.freshData();
    request.pipeline = pipeline;
    request.modelVersion = window.modelVersion();
    request.datasetVersion = datasetVersion;
    request.trigger = Trigger.DRIFT.wire();
    request.reason = reason;
    request.driftEventId = driftEvent.id();
    request.requestedAt = now;
    request.persist();
    state.lastRequestedAt = now;
    state.consecutive = 0;
    state.runFrom = null;
    state.heldBack = null;
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
    RetrainState state =
        RetrainState.of(pipeline)
            .orElseGet(
                () -> {
                  RetrainState s = new RetrainState();
                  s.pipeline = pipeline;
                  return s;
                });
    if (state.lastScheduledAt != null && !state.lastScheduledAt.isBefore(minute)) {
      return false;
    }
    state.lastScheduledAt = minute;
    state.persist();
    Instant now = clock.instant();
    if (state.lastRequestedAt != null
        && now.isBefore(state.lastRequestedAt.plus(policy.cooldown()))) {
      state.heldBack =
          "scheduled retrain of "
              + minute
              + " skipped: cooling down until "
              + state.lastRequestedAt.plus(policy.cooldown());
      LOG.infof("%s: %s", pipeline, state.heldBack);
      return false;
    }
    long running = RetrainRequest.running(pipeline, now.minus(requestTimeout));
    if (running >= policy.maxConcurrent()) {
      state.heldBack =
          "scheduled retrain of "
              + minute
              + " skipped: "
              + running
              + " retrain(s) not ended yet (maxConcurrent "
              + policy.maxConcurrent()
              + ")";
      LOG.infof("%s: %s", pipeline, state.heldBack);
      return false;
    }
    java.util.Optional<DriftReference> reference = DriftReference.of(pipeline);
    Integer version =
        LatestDataset.of(pipeline).or(() -> reference.map(r -> r.datasetVersion)).orElse(null);
    if (version == null) {
      state.heldBack = "scheduled retrain of " + minute + " skipped: no dataset version known";
      LOG.infof("%s: %s", pipeline, state.heldBack);
      return false;
    }
    Integer parent = reference.map(r -> r.modelVersion).orElse(null);
    String runId =
        EventIds.of(Topic.TRAINING_REQUESTED, pipeline, Trigger.SCHEDULE.wire(), minute.toString());
    String reason =
        "scheduled retrain (monitoring.retrain.schedule '" + policy.schedule() + "') of " + minute;
    outbox.publish(
        Topic.TRAINING_REQUESTED,
        new TrainingRequested(runId, pipeline, version, Trigger.SCHEDULE, reason, parent),
        runId);
    RetrainRequest request = new RetrainRequest();
    request.runId = runId;
    request.pipeline = pipeline;
    request.modelVersion = parent == null ? 0 : parent;
    request.datasetVersion = version;
    request.trigger = Trigger.SCHEDULE.wire();
    request.reason = reason;
    request.requestedAt = now;
    request.persist();
    state.lastRequestedAt = now;
    state.heldBack = null;
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
   * @throws io.trainyard.platform.problem.ProblemException 400 for an invalid version, reason or
   *     key; 409 when no dataset version of the pipeline is known
   */
  @Transactional
  public Manual manual(
      String pipeline, Integer datasetVersion, String reason, String idempotencyKey, String by) {
    catalog.require(pipeline);
    if (datasetVersion != null && datasetVersion < 1) {
      throw io.trainyard.platform.problem.ProblemException.badRequest(
          "datasetVersion is a dataset version (1, 2, ...)");
    }
    if (reason != null && reason.length() > 1000) {
      throw io.trainyard.platform.problem.ProblemException.badRequest(
          "reason is at most 1000 characters");
    }
    if (idempotencyKey != null && !idempotencyKey.matches("[\\x21-\\x7e]{1,200}")) {
      throw io.trainyard.platform.problem.ProblemException.badRequest(
          "Idempotency-Key is 1 to 200 printable ASCII characters without spaces");
    }
    java.util.Optional<DriftReference> reference = DriftReference.of(pipeline);
    Integer version =
        datasetVersion != null
            ? datasetVersion
            : LatestDataset.of(pipeline)
                .or(() -> reference.map(r -> r.datasetVersion))
                .orElse(null);
    if (version == null) {
      throw io.trainyard.platform.problem.ProblemException.conflict(
          "No dataset version of '"
              + pipeline
              + "' is known to drift-monitor yet: ingest one, or name datasetVersion");
    }
    Integer parent = reference.map(r -> r.modelVersion).orElse(null);
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
    if (RetrainRequest.of(runId).isEmpty()) {
      RetrainRequest request = new RetrainRequest();
      request.runId = runId;
      request.pipeline = pipeline;
      request.modelVersion = parent == null ? 0 : parent;
      request.datasetVersion = version;
      request.trigger = Trigger.MANUAL.wire();
      request.reason = why;
      request.requestedAt = clock.instant();
      request.persist();
    }
    RetrainState state =
        RetrainState.of(pipeline)
            .orElseGet(
                () -> {
                  RetrainState s = new RetrainState();
                  s.pipeline = pipeline;
                  s.modelVersion = parent == null ? 0 : parent;
                  return s;
                });
    state.lastRequestedAt = clock.instant();
    state.consecutive = 0;
    state.runFrom = null;
    state.heldBack = null;
    state.persist();
    LOG.infof("%s: retrain %s requested by %s on dataset v%d", pipeline, runId, by, version);
    return new Manual(event.envelope().id(), runId, version, parent, "/api/v1/runs/" + runId);
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
