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

  @Id
  @Column(name = "run_id")
  public String runId;

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

  static Optional<RetrainRequest> of(String runId) {
    return findByIdOptional(runId);
  }

  static long running(String pipeline) {
    return count("pipeline = ?1 and endedAt is null", pipeline);
  }

  static List<RetrainRequest> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by requestedAt", pipeline);
  }
}
