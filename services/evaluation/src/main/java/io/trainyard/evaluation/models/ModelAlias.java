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

/** A row of {@code model_alias}: the version an alias (champion, challenger) points at. */
@Entity
@Table(name = "model_alias")
@IdClass(ModelAlias.Key.class)
public class ModelAlias extends PanacheEntityBase {

  /** The composite key. */
  public record Key(String pipeline, String alias) implements Serializable {
    public Key() {
      this(null, null);
    }
  }

  @Id public String pipeline;

  @Id public String alias;

  @Column(nullable = false)
  public int version;

  @Column(nullable = false)
  public String reason;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  static Optional<ModelAlias> of(String pipeline, String alias) {
    return findByIdOptional(new Key(pipeline, alias));
  }

  static List<ModelAlias> ofPipeline(String pipeline) {
    return list("pipeline", pipeline);
  }
}
