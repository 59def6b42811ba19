package io.trainyard.drift.monitor;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.trainyard.contracts.Json;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A row of {@code drift_reference}: the reference a pipeline's inference events are compared with,
 * built from its champion's training split (and its predictions on the test split). One per
 * pipeline; a new champion replaces it.
 */
@Entity
@Table(name = "drift_reference")
public class DriftReference extends PanacheEntityBase {

  @Id public String pipeline;

  @Column(name = "model_version", nullable = false)
  public int modelVersion;

  @Column(name = "dataset_version", nullable = false)
  public int datasetVersion;

  @Column(name = "train_rows", nullable = false)
  public int trainRows;

  @Column(name = "features_json", nullable = false)
  public String featuresJson;

  @Column(name = "predictions_json", nullable = false)
  public String predictionsJson;

  @Column(name = "unmonitored_json", nullable = false)
  public String unmonitoredJson;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  static Optional<DriftReference> of(String pipeline) {
    return findByIdOptional(pipeline);
  }

  /** The tested features, in the dataset's feature order. */
  List<ReferenceFeature> features() {
    return Json.mapper().convertValue(Json.readTree(featuresJson), new TypeReference<>() {});
  }

  /** The model's output columns tested for prediction drift: prediction, and score if binary. */
  List<ReferenceFeature> predictions() {
    return Json.mapper().convertValue(Json.readTree(predictionsJson), new TypeReference<>() {});
  }

  /** The features the reference knows but does not test (no value in the train split). */
  List<String> unmonitored() {
    return Json.mapper().convertValue(Json.readTree(unmonitoredJson), new TypeReference<>() {});
  }
}
