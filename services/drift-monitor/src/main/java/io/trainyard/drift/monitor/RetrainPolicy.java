package io.trainyard.drift.monitor;

import io.trainyard.contracts.Envelope;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.DriftDecision;
import io.trainyard.contracts.events.DriftDetected;
import io.trainyard.contracts.events.DriftDetected.FeatureDrift;
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
 * training warm-starts from it when the spec's {@code training.warmStart} asks), unless one was
 * requested less than {@code cooldown} ago or {@code maxConcurrent} requested ones have not ended.
 * The request is a child of the drift event that made it due: the chain from drift to the next
 * champion carries that event's correlation id.
 */
@ApplicationScoped
public class RetrainPolicy {

  private static final Logger LOG = Logger.getLogger(RetrainPolicy.class);

  private final Outbox outbox;
  private final Clock clock;

  @jakarta.inject.Inject
  public RetrainPolicy(Outbox outbox) {
    this(outbox, Clock.systemUTC());
  }

  RetrainPolicy(Outbox outbox, Clock clock) {
    this.outbox = outbox;
    this.clock = clock;
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
      state.heldBack = null;
      state.persist();
      return;
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
    long running = RetrainRequest.running(pipeline);
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
    String runId =
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
            runId, pipeline, datasetVersion, Trigger.DRIFT, reason, window.modelVersion()),
        runId);
    RetrainRequest request = new RetrainRequest();
    request.runId = runId;
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
    state.heldBack = null;
    LOG.infof(
        "%s: retrain %s requested on dataset v%d: %s", pipeline, runId, datasetVersion, reason);
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

  /** Marks a retrain this monitor requested as ended. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onEnded(IncomingEvent<TrainingEnded> event) {
    TrainingEnded ended = event.payload();
    RetrainRequest.of(ended.runId())
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
