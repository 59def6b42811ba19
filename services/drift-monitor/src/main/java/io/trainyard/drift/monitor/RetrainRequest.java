package io.trainyard.drift.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A row of {@code drift_retrain_request}: a retrain the monitor requested, until training reports
 * its end ({@code training.ended}).
 */
@Entity
@Table(name = "drift_retrain_request")
public class RetrainRequest extends PanacheEntityBase {

  /** The run id; on fresh data, the id of the ingest request (ingestion names the run). */
  @Id
  @Column(name = "run_id")
  public String runId;

  /** Whether it asked ingestion for fresh data rather than a run on the latest version. */
  @Column(name = "fresh_data", nullable = false)
  public boolean freshData;

  @Column(nullable = false)
  public String pipeline;

  /** The champion it retrains. */
  @Column(name = "model_version", nullable = false)
  public int modelVersion;

  @Column(name = "dataset_version", nullable = false)
  public int datasetVersion;

  @Column(nullable = false)
  public String trigger;

  @Column(nullable = false)
  public String reason;

  /** The id of the drift.detected event that caused it (and the chain's correlation id). */
  @Column(name = "drift_event_id")
  public String driftEventId;

  @Column(name = "requested_at", nullable = false)
  public Instant requestedAt;

  @Column(name = "ended_at")
  public Instant endedAt;

  /** succeeded, failed or cancelled once it ended. */
  public String status;

  @Column(name = "model_trained")
  public Integer modelTrained;

  /**
   * Records a request (once: a request with the same run id is returned as it is).
   *
   * @param modelVersion the champion it retrains; null without one (stored as 0)
   */
  static RetrainRequest record(
      String runId,
      String pipeline,
      Integer modelVersion,
      int datasetVersion,
      io.trainyard.contracts.events.Trigger trigger,
      String reason,
      Instant at) {
    return of(runId)
        .orElseGet(
            () -> {
              RetrainRequest request = new RetrainRequest();
              request.runId = runId;
              request.pipeline = pipeline;
              request.modelVersion = modelVersion == null ? 0 : modelVersion;
              request.datasetVersion = datasetVersion;
              request.trigger = trigger.wire();
              request.reason = reason;
              request.requestedAt = at;
              request.persist();
              return request;
            });
  }

  static Optional<RetrainRequest> of(String runId) {
    return findByIdOptional(runId);
  }

  /** Requests of the pipeline not ended, made after {@code since}. */
  static long running(String pipeline, Instant since) {
    return count("pipeline = ?1 and endedAt is null and requestedAt > ?2", pipeline, since);
  }

  static Optional<RetrainRequest> ofDriftEvent(String driftEventId) {
    return driftEventId == null
        ? Optional.empty()
        : find("driftEventId", driftEventId).firstResultOptional();
  }

  static List<RetrainRequest> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by requestedAt", pipeline);
  }
}
