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
import java.util.Optional;

/**
 * A row of {@code drift_silence}: until {@code until}, a drifted window of the pipeline raises its
 * alert silenced when every drifted feature is among {@code features} (or always, without
 * features). Silences mute alerts only: windows are tested and the retrain policy acts as before.
 */
@Entity
@Table(name = "drift_silence")
public class DriftSilence extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public long id;

  @Column(nullable = false)
  public String pipeline;

  /** The features it covers; null for all. */
  @Column(name = "features_json")
  public String featuresJson;

  @Column(name = "until_at", nullable = false)
  public Instant until;

  @Column(nullable = false)
  public String reason;

  @Column(name = "created_by", nullable = false)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  List<String> features() {
    return featuresJson == null
        ? null
        : Json.mapper().convertValue(Json.readTree(featuresJson), new TypeReference<>() {});
  }

  /** The silence in force at {@code at} that covers every one of {@code drifted}, if any. */
  static Optional<DriftSilence> covering(String pipeline, List<String> drifted, Instant at) {
    List<DriftSilence> active =
        list("pipeline = ?1 and until > ?2 and createdAt <= ?2 order by id", pipeline, at);
    return active.stream()
        .filter(s -> s.features() == null || s.features().containsAll(drifted))
        .findFirst();
  }

  static List<DriftSilence> active(String pipeline, Instant at) {
    return list("pipeline = ?1 and until > ?2 order by id", pipeline, at);
  }
}
