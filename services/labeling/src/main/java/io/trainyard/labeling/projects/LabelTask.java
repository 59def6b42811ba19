package io.trainyard.labeling.projects;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;
import java.util.Optional;

/**
 * A row of {@code label_task}: one row of the dataset version to label, or a gold task (a labeled
 * row whose known label scores the annotators).
 */
@Entity
@Table(name = "label_task")
public class LabelTask extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(name = "project_id", nullable = false)
  public String projectId;

  @Column(name = "row_id", nullable = false)
  public long rowId;

  /** The row's fields (without the target), as a JSON object. */
  @Column(name = "data_json", nullable = false)
  public String dataJson;

  /** The known label of a gold task; null for a task to label. */
  @Column(name = "gold_label")
  public String goldLabel;

  @Column(nullable = false)
  public int position;

  /** The label the spec's rules give it by majority vote; null when they abstain or tie. */
  @Column(name = "rule_label")
  public String ruleLabel;

  /** Each rule's vote on it, {@code {"rule": "label"}} (abstentions left out), as JSON. */
  @Column(name = "rule_votes_json")
  public String ruleVotesJson;

  /** The champion version that scored it (model-assisted labeling). */
  @Column(name = "model_version")
  public Integer modelVersion;

  /** The champion's label for it. */
  @Column(name = "model_label")
  public String modelLabel;

  /** The champion's confidence: its largest class probability. */
  @Column(name = "model_confidence")
  public Double modelConfidence;

  /** The task's uncertainty under the spec's measure; higher comes first. */
  public Double uncertainty;

  /** A review task's prediction (its predicted label and scores), as a JSON object. */
  @Column(name = "prediction_json")
  public String predictionJson;

  public boolean gold() {
    return goldLabel != null;
  }

  static Optional<LabelTask> find(String projectId, long id) {
    return find("projectId = ?1 and id = ?2", projectId, id).firstResultOptional();
  }

  static List<LabelTask> ofProject(String projectId) {
    return list("projectId = ?1 order by position", projectId);
  }
}
