package io.trainyard.drift.monitor;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Optional;

/**
 * A row of {@code drift_dataset}: the latest dataset version of a pipeline (challenge sets left
 * out), from {@code datasets.ingested}; a retrain on drift trains on it.
 */
@Entity
@Table(name = "drift_dataset")
public class LatestDataset extends PanacheEntityBase {

  @Id public String pipeline;

  @Column(name = "latest_version", nullable = false)
  public int latestVersion;

  static Optional<Integer> of(String pipeline) {
    return LatestDataset.<LatestDataset>findByIdOptional(pipeline).map(d -> d.latestVersion);
  }
}
