package io.trainyard.training.runs;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A row of {@code run}: one training run and its state. */
@Entity
@Table(name = "run")
public class Run extends PanacheEntityBase {

  /** The states of a run; the wire values are lowercase. */
  public static final String QUEUED = "queued";

  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  public static final String CANCELLED = "cancelled";

  @Id
  @Column(name = "run_id")
  public String runId;

  @Column(nullable = false)
  public String pipeline;

  @Column(name = "dataset_version", nullable = false)
  public int datasetVersion;

  @Column(nullable = false)
  public String trigger;

  @Column(nullable = false)
  public String reason;

  @Column(name = "parent_model")
  public Integer parentModel;

  @Column(nullable = false)
  public String state;

  @Column(name = "status_reason")
  public String statusReason;

  @Column(name = "model_version")
  public Integer modelVersion;

  @Column(name = "best_epoch")
  public Integer bestEpoch;

  @Column(name = "epochs_max")
  public Integer epochsMax;

  @Column(nullable = false)
  public int attempts;

  /** The device the run trains on, as DJL names it ({@code cpu()}, {@code gpu(0)}). */
  @Column(name = "device")
  public String device;

  /** Seconds the run has trained, summed over its attempts. */
  @Column(name = "compute_seconds", nullable = false)
  public double computeSeconds;

  /** The epoch whose checkpoint the latest attempt resumed after; null when it started afresh. */
  /** With model selection: every candidate's figures ({@code ModelTrained.Candidate}), as JSON. */
  @Column(name = "candidates_json")
  public String candidatesJson;

  @Column(name = "resumed_from_epoch")
  public Integer resumedFromEpoch;

  @Column(name = "lease_owner")
  public String leaseOwner;

  @Column(name = "lease_until")
  public Instant leaseUntil;

  /** The envelope of the request, as JSON: the run's events are its children. */
  @Column(name = "request_envelope")
  public String requestEnvelope;

  @Column(name = "requested_at", nullable = false)
  public Instant requestedAt;

  @Column(name = "started_at")
  public Instant startedAt;

  @Column(name = "ended_at")
  public Instant endedAt;

  public boolean isFinished() {
    return SUCCEEDED.equals(state) || FAILED.equals(state) || CANCELLED.equals(state);
  }

  static List<Run> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by requestedAt, runId", pipeline);
  }
}
