package io.trainyard.labeling.projects;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Optional;

/** A row of {@code label_assignment}: a task handed to an annotator. */
@Entity
@Table(name = "label_assignment")
@IdClass(Assignment.Key.class)
public class Assignment extends PanacheEntityBase {

  /** The composite key. */
  public record Key(Long taskId, String annotator) implements Serializable {
    public Key() {
      this(null, null);
    }
  }

  @Id
  @Column(name = "task_id")
  public Long taskId;

  @Id public String annotator;

  @Column(name = "assigned_at", nullable = false)
  public Instant assignedAt;

  static Optional<Assignment> find(long taskId, String annotator) {
    return findByIdOptional(new Key(taskId, annotator));
  }
}
