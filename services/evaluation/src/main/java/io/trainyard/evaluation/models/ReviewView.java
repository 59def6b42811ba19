package io.trainyard.evaluation.models;

import io.trainyard.contracts.events.ModelReviewed;
import java.time.Instant;

/**
 * One human review of a model version, as the models API and the model card show it.
 *
 * @param reviewId the review project
 * @param sampled predictions sampled for review
 * @param reviewed sampled predictions that got a verdict or a rating
 * @param right predictions marked right, when the review gave verdicts
 * @param wrong predictions marked wrong, when the review gave verdicts
 * @param accuracy {@code right / (right + wrong)}
 * @param accuracyInterval its Wilson score interval
 * @param rating the ratings, when the review rated
 * @param reviewers distinct reviewers
 * @param completedAt when the review closed, if labeling said
 * @param receivedAt when evaluation attached it
 */
public record ReviewView(
    String reviewId,
    int sampled,
    int reviewed,
    Integer right,
    Integer wrong,
    Double accuracy,
    Interval accuracyInterval,
    ModelReviewed.Rating rating,
    int reviewers,
    Instant completedAt,
    Instant receivedAt) {

  /** A confidence interval. */
  public record Interval(double low, double high, double level) {}
}
