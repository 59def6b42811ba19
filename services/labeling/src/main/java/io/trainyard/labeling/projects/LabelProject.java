package io.trainyard.labeling.projects;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.trainyard.contracts.Json;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A row of {@code label_project}: the labeling of one dataset version's unlabeled rows. */
@Entity
@Table(name = "label_project")
public class LabelProject extends PanacheEntityBase {

  /** Annotators may work on it. */
  public static final String OPEN = "open";

  /** Its labels passed the gate and went to ingestion. */
  public static final String COMPLETED = "completed";

  /** Its labels did not pass the gate: no dataset was made; {@link #outcome} says why. */
  public static final String REJECTED = "rejected";

  /** A project that labels a dataset version's unlabeled rows. */
  public static final String DATASET = "dataset";

  /** A project that reviews a model version's predictions. */
  public static final String REVIEW = "review";

  @Id public String id;

  /** {@value #DATASET} or {@value #REVIEW}. */
  @Column(nullable = false)
  public String kind = DATASET;

  /** The reviewed model version (a review project). */
  @Column(name = "model_version")
  public Integer modelVersion;

  /** The rating scale of a review project, when it rates. */
  @Column(name = "rating_min")
  public Double ratingMin;

  @Column(name = "rating_max")
  public Double ratingMax;

  @Column(nullable = false)
  public String pipeline;

  @Column(name = "dataset_version", nullable = false)
  public int datasetVersion;

  @Column(nullable = false)
  public String target;

  @Column(name = "classes_json", nullable = false)
  public String classesJson;

  @Column(nullable = false)
  public String guidelines;

  @Column(name = "annotators_per_item", nullable = false)
  public int annotatorsPerItem;

  @Column(name = "gold_rate", nullable = false)
  public double goldRate;

  @Column(nullable = false)
  public String status;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "closed_at")
  public Instant closedAt;

  public String outcome;

  /** Its labeling functions as JSON (the spec's when it was created, or set through the API). */
  @Column(name = "rules_json")
  public String rulesJson;

  /**
   * A task whose labels agree less than this (the share of agreeing label pairs) is adjudicated:
   * the spec's {@code minAgreement.value} when the project was created.
   */
  @Column(name = "adjudicate_below", nullable = false)
  public double adjudicateBelow = 0.667;

  /** The answers it may take; null for no budget. */
  public Integer budget;

  /** The {@code datasets.ingest-requested} it published when it completed. */
  @Column(name = "request_event_id", unique = true)
  public String requestEventId;

  /** The dataset version made of its labels, once ingestion announced it. */
  @Column(name = "labeled_version")
  public Integer labeledVersion;

  /** The rows it labeled. */
  @Column(name = "labeled_rows")
  public Integer labeledRows;

  /** The rows of the labeled table by label source, as JSON. */
  @Column(name = "sources_json")
  public String sourcesJson;

  /** The agreement when it was closed ({@code datasets.labeled}'s {@code agreement}), as JSON. */
  @Column(name = "agreement_json")
  public String agreementJson;

  /** The {@code datasets.ingested} event that created it, if one did. */
  @Column(name = "event_id", unique = true)
  public String eventId;

  /** The label schema, in order. */
  public List<String> classes() {
    return List.of(Json.mapper().convertValue(Json.readTree(classesJson), String[].class));
  }

  /** The project id of a dataset version: {@code {pipeline}-v{version}}. */
  static String idOf(String pipeline, int datasetVersion) {
    return pipeline + "-v" + datasetVersion;
  }

  static Optional<LabelProject> find(String id) {
    return findByIdOptional(id);
  }

  static Optional<LabelProject> byRequest(String requestEventId) {
    return requestEventId == null
        ? Optional.empty()
        : find("requestEventId", requestEventId).firstResultOptional();
  }

  static List<LabelProject> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by createdAt, id", pipeline);
  }

  /** Its labeling functions; none when it has none. */
  public List<io.trainyard.contracts.spec.PipelineSpec.Rule> rules() {
    return rulesJson == null
        ? List.of()
        : Json.mapper()
            .convertValue(
                Json.readTree(rulesJson),
                new com.fasterxml.jackson.core.type.TypeReference<
                    List<io.trainyard.contracts.spec.PipelineSpec.Rule>>() {});
  }

  public boolean review() {
    return REVIEW.equals(kind);
  }
}
