package io.trainyard.drift.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Optional;

/**
 * A row of {@code drift_retrain}: the retrain policy's state of a pipeline, the champion's run of
 * drifted windows and when a retrain was last requested.
 */
@Entity
@Table(name = "drift_retrain")
public class RetrainState extends PanacheEntityBase {

  @Id public String pipeline;

  /** The champion whose windows are counted. */
  @Column(name = "model_version", nullable = false)
  public int modelVersion;

  /** Its drifted windows in a row since the last stable one (or the last retrain request). */
  @Column(nullable = false)
  public int consecutive;

  /** The start ({@code from}) of the first drifted window of the run; null without a run. */
  @Column(name = "run_from")
  public Instant runFrom;

  /** The last minute a scheduled retrain fired for (requested or skipped). */
  @Column(name = "last_scheduled_at")
  public Instant lastScheduledAt;

  @Column(name = "last_requested_at")
  public Instant lastRequestedAt;

  /** Why the last due retrain was not requested (cooldown, concurrency); null once one is. */
  @Column(name = "held_back")
  public String heldBack;

  @Version public long version;

  static Optional<RetrainState> of(String pipeline) {
    return findByIdOptional(pipeline);
  }

  /** The pipeline's state, or a new one (not persisted yet). */
  static RetrainState forPipeline(String pipeline) {
    return RetrainState.of(pipeline)
        .orElseGet(
            () -> {
              RetrainState state = new RetrainState();
              state.pipeline = pipeline;
              return state;
            });
  }
}
