package io.trainyard.drift.monitor;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.DriftDetected.FeatureDrift;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * A row of {@code drift_window_result}: a tested window, the test of each feature and of the
 * model's output, and its decision.
 */
@Entity
@Table(name = "drift_window_result")
@IdClass(DriftWindowResult.Key.class)
public class DriftWindowResult extends PanacheEntityBase {

  /** The composite key. */
  public record Key(String pipeline, int modelVersion, int windowIndex) implements Serializable {
    public Key() {
      this(null, 0, 0);
    }
  }

  @Id public String pipeline;

  @Id
  @Column(name = "model_version")
  public int modelVersion;

  @Id
  @Column(name = "window_index")
  public int windowIndex;

  @Column(nullable = false)
  public int events;

  @Column(name = "from_at", nullable = false)
  public Instant from;

  @Column(name = "to_at", nullable = false)
  public Instant to;

  @Column(name = "drift_share", nullable = false)
  public double driftShare;

  @Column(nullable = false)
  public double threshold;

  @Column(nullable = false)
  public String decision;

  @Column(name = "features_json", nullable = false)
  public String featuresJson;

  @Column(name = "predictions_json", nullable = false)
  public String predictionsJson;

  @Column(nullable = false)
  public String correction;

  @Column(name = "closed_at", nullable = false)
  public Instant closedAt;

  List<FeatureDrift> features() {
    return Json.mapper().convertValue(Json.readTree(featuresJson), new TypeReference<>() {});
  }

  List<FeatureDrift> predictions() {
    return Json.mapper().convertValue(Json.readTree(predictionsJson), new TypeReference<>() {});
  }

  /** The windows of a pipeline in the order they were tested, oldest first. */
  static List<DriftWindowResult> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by closedAt, modelVersion, windowIndex", pipeline);
  }

  /** The index the next window of {@code modelVersion} gets: one more than its last, or 0. */
  static int nextIndex(String pipeline, int modelVersion) {
    Integer last =
        getEntityManager()
            .createQuery(
                "select max(r.windowIndex) from DriftWindowResult r"
                    + " where r.pipeline = ?1 and r.modelVersion = ?2",
                Integer.class)
            .setParameter(1, pipeline)
            .setParameter(2, modelVersion)
            .getSingleResult();
    return last == null ? 0 : last + 1;
  }
}
