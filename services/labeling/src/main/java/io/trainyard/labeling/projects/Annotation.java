package io.trainyard.labeling.projects;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;

/** A row of {@code annotation}: one annotator's answer to one task, a label or a skip. */
@Entity
@Table(name = "annotation")
public class Annotation extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "task_id", nullable = false)
  public long taskId;

  @Column(nullable = false)
  public String annotator;

  /** The label; null for a skip. */
  public String label;

  @Column(nullable = false)
  public boolean skipped;

  /** A review's rating, on the project's scale; null when none was given. */
  public Double rating;

  /** Seconds from the task being handed out to this answer; null when it was not handed out. */
  public Double seconds;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  static boolean exists(long taskId, String annotator) {
    return count("taskId = ?1 and annotator = ?2", taskId, annotator) > 0;
  }

  /** Every answer in a project, oldest first. */
  static List<Annotation> ofProject(String projectId) {
    return list(
        "taskId in (select t.id from LabelTask t where t.projectId = ?1) order by createdAt, id",
        projectId);
  }
}
