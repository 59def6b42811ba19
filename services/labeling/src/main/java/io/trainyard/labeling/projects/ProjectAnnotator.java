package io.trainyard.labeling.projects;

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

/** A row of {@code project_annotator}: a member of a project; an expert breaks ties. */
@Entity
@Table(name = "project_annotator")
@IdClass(ProjectAnnotator.Key.class)
public class ProjectAnnotator extends PanacheEntityBase {

  /** The composite key. */
  public record Key(String projectId, String annotator) implements Serializable {
    public Key() {
      this(null, null);
    }
  }

  @Id
  @Column(name = "project_id")
  public String projectId;

  @Id public String annotator;

  @Column(nullable = false)
  public boolean expert;

  @Column(name = "added_at", nullable = false)
  public Instant addedAt;

  static Optional<ProjectAnnotator> find(String projectId, String annotator) {
    return findByIdOptional(new Key(projectId, annotator));
  }

  static List<ProjectAnnotator> ofProject(String projectId) {
    return list("projectId = ?1 order by addedAt, annotator", projectId);
  }
}
