package io.trainyard.drift.monitor;

import com.fasterxml.jackson.core.type.TypeReference;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.trainyard.contracts.Json;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/**
 * A row of {@code drift_alert}: a drifted window, raised when it was tested, open until ops
 * acknowledge it; raised already silenced when a silence of the pipeline covered its drifted
 * features.
 */
@Entity
@Table(name = "drift_alert")
public class DriftAlert extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public long id;

  @Column(nullable = false)
  public String pipeline;

  @Column(name = "model_version", nullable = false)
  public int modelVersion;

  @Column(name = "window_index", nullable = false)
  public int windowIndex;

  @Column(name = "drift_share", nullable = false)
  public double driftShare;

  /** The drifted features. */
  @Column(name = "features_json", nullable = false)
  public String featuresJson;

  @Column(name = "raised_at", nullable = false)
  public Instant raisedAt;

  /** The silence that muted it, if one did. */
  @Column(name = "silenced_by")
  public Long silencedBy;

  @Column(name = "acknowledged_at")
  public Instant acknowledgedAt;

  @Column(name = "acknowledged_by")
  public String acknowledgedBy;

  public String note;

  List<String> features() {
    return Json.mapper().convertValue(Json.readTree(featuresJson), new TypeReference<>() {});
  }

  /** open, acknowledged or silenced. */
  String state() {
    return acknowledgedAt != null ? "acknowledged" : silencedBy != null ? "silenced" : "open";
  }

  static List<DriftAlert> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by raisedAt, id", pipeline);
  }
}
