package io.trainyard.training.runs;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/** A row of {@code model_version}: a model version allocated to a run. */
@Entity
@Table(name = "model_version")
@IdClass(ModelVersion.Key.class)
public class ModelVersion extends PanacheEntityBase {

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

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;
}
