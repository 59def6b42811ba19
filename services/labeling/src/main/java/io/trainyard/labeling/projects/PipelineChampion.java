package io.trainyard.labeling.projects;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Optional;

/** A row of {@code pipeline_champion}: the champion labeling assists with. */
@Entity
@Table(name = "pipeline_champion")
public class PipelineChampion extends PanacheEntityBase {

  @Id public String pipeline;

  @Column(nullable = false)
  public int version;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  static Optional<PipelineChampion> of(String pipeline) {
    return findByIdOptional(pipeline);
  }
}
