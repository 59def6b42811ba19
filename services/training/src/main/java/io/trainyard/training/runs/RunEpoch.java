package io.trainyard.training.runs;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/** A row of {@code run_epoch}: one finished epoch of a run. */
@Entity
@Table(name = "run_epoch")
@IdClass(RunEpoch.Key.class)
public class RunEpoch extends PanacheEntityBase {

  /** The composite key. */
  public record Key(String runId, int epoch) implements Serializable {
    public Key() {
      this(null, 0);
    }
  }

  @Id
  @Column(name = "run_id")
  public String runId;

  @Id public int epoch;

  @Column(name = "train_loss", nullable = false)
  public double trainLoss;

  @Column(name = "val_loss")
  public Double valLoss;

  @Column(name = "val_accuracy")
  public Double valAccuracy;

  @Column(name = "learning_rate")
  public Double learningRate;

  @Column(name = "samples_per_second")
  public Double samplesPerSecond;

  @Column(name = "gradient_norm")
  public Double gradientNorm;

  @Column(name = "eta_seconds")
  public Double etaSeconds;

  /**
   * The task's further validation metrics as a JSON object (multiclass {@code val_log_loss};
   * regression {@code val_rmse}, {@code val_mae}, {@code val_r2}); null when there are none.
   */
  @Column(name = "metrics_json")
  public String metricsJson;

  @Column(name = "recorded_at", nullable = false)
  public Instant recordedAt;

  /** With model selection: the index of the candidate the epoch belongs to; else null. */
  public Integer candidate;

  static List<RunEpoch> ofRun(String runId) {
    return list("runId = ?1 order by epoch", runId);
  }

  /** The epochs of the run after epoch {@code after}, in order. */
  static List<RunEpoch> ofRunAfter(String runId, int after) {
    return list("runId = ?1 and epoch > ?2 order by epoch", runId, after);
  }
}
