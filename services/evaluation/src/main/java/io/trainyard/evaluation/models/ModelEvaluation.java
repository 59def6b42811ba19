package io.trainyard.evaluation.models;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A row of {@code model_evaluation}: the evaluation of one model version. */
@Entity
@Table(name = "model_evaluation")
@IdClass(ModelEvaluation.Key.class)
public class ModelEvaluation extends PanacheEntityBase {

  /** The composite key. */
  public record Key(String pipeline, int version) implements Serializable {
    public Key() {
      this(null, 0);
    }
  }

  @Id public String pipeline;

  @Id public int version;

  @Column(name = "run_id", nullable = false)
  public String runId;

  @Column(name = "dataset_version", nullable = false)
  public int datasetVersion;

  @Column(name = "primary_metric", nullable = false)
  public String primaryMetric;

  /** The slices and fairness ({@code Sliced} as JSON); null for evaluations before V3. */
  @Column(name = "slices_json")
  public String slicesJson;

  /** The metrics on each challenge set, as JSON; null for evaluations before V3. */
  @Column(name = "challenge_sets_json")
  public String challengeSetsJson;

  @Column(name = "metrics_json", nullable = false)
  public String metricsJson;

  @Column(name = "gates_json", nullable = false)
  public String gatesJson;

  @Column(nullable = false)
  public boolean passed;

  @Column(name = "champion_version")
  public Integer championVersion;

  @Column(name = "predictions_uri", nullable = false)
  public String predictionsUri;

  @Column(name = "manifest_uri", nullable = false)
  public String manifestUri;

  @Column(name = "evaluated_at", nullable = false)
  public Instant evaluatedAt;

  static Optional<ModelEvaluation> of(String pipeline, int version) {
    return findByIdOptional(new Key(pipeline, version));
  }

  static List<ModelEvaluation> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by version", pipeline);
  }
}
