package io.trainyard.evaluation.models;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.trainyard.contracts.events.ModelReviewed;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A row of {@code model_review}: one human review of a model version's predictions. */
@Entity
@Table(name = "model_review")
public class ModelReview extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  public Long id;

  @Column(nullable = false)
  public String pipeline;

  @Column(nullable = false)
  public int version;

  @Column(name = "review_id", nullable = false)
  public String reviewId;

  @Column(nullable = false)
  public int sampled;

  @Column(nullable = false)
  public int reviewed;

  @Column(name = "right_count")
  public Integer right;

  @Column(name = "wrong_count")
  public Integer wrong;

  @Column(name = "rating_min")
  public Double ratingMin;

  @Column(name = "rating_max")
  public Double ratingMax;

  @Column(name = "rating_mean")
  public Double ratingMean;

  @Column(name = "rating_count")
  public Integer ratingCount;

  @Column(nullable = false)
  public int reviewers;

  @Column(name = "completed_at")
  public Instant completedAt;

  @Column(name = "received_at", nullable = false)
  public Instant receivedAt;

  /** The model card with the reviews so far; null when the version's card cannot be rewritten. */
  @Column(name = "card_manifest_uri")
  public String cardManifestUri;

  static ModelReview of(ModelReviewed event, Instant receivedAt) {
    ModelReview row = new ModelReview();
    row.pipeline = event.pipeline();
    row.version = event.modelVersion();
    row.reviewId = event.reviewId();
    row.sampled = event.sampled();
    row.reviewed = event.reviewed();
    row.right = event.right();
    row.wrong = event.wrong();
    if (event.rating() != null) {
      row.ratingMin = event.rating().min();
      row.ratingMax = event.rating().max();
      row.ratingMean = event.rating().mean();
      row.ratingCount = event.rating().count();
    }
    row.reviewers = event.reviewers();
    row.completedAt = event.completedAt();
    row.receivedAt = receivedAt;
    return row;
  }

  static Optional<ModelReview> find(String pipeline, int version, String reviewId) {
    return find("pipeline = ?1 and version = ?2 and reviewId = ?3", pipeline, version, reviewId)
        .firstResultOptional();
  }

  /** The reviews of a version, oldest first. */
  static List<ModelReview> of(String pipeline, int version) {
    return list("pipeline = ?1 and version = ?2 order by receivedAt, id", pipeline, version);
  }

  /** The reviews of a pipeline's versions, oldest first. */
  static List<ModelReview> ofPipeline(String pipeline) {
    return list("pipeline = ?1 order by receivedAt, id", pipeline);
  }

  /** The share of judged predictions marked right; null when none was marked right or wrong. */
  Double accuracy() {
    return right == null || wrong == null || right + wrong == 0
        ? null
        : (double) right / (right + wrong);
  }

  /** As the API and the model card show it. */
  ReviewView view() {
    Double accuracy = accuracy();
    ReviewView.Interval interval = null;
    if (accuracy != null) {
      double[] w = Wilson.interval(right, right + wrong, EvaluationService.LEVEL);
      interval = new ReviewView.Interval(w[0], w[1], EvaluationService.LEVEL);
    }
    return new ReviewView(
        reviewId,
        sampled,
        reviewed,
        right,
        wrong,
        accuracy,
        interval,
        ratingMean == null
            ? null
            : new ModelReviewed.Rating(ratingMin, ratingMax, ratingMean, ratingCount),
        reviewers,
        completedAt,
        receivedAt);
  }
}
