package io.trainyard.contracts.events;

import java.time.Instant;

/**
 * {@code io.trainyard.models.reviewed.v1} on {@code trainyard.models.reviewed}, keyed by pipeline:
 * people reviewed a sample of a model version's predictions (a labeling review project), marking
 * each right or wrong, or rating it. The evaluation service attaches the figures to the version
 * (its API and model card show them); a version it never evaluated, or figures that do not add up,
 * go to the dead-letter topic.
 *
 * @param pipeline the pipeline name
 * @param modelVersion the reviewed model version
 * @param reviewId the review project's id; one review is attached once
 * @param sampled the predictions sampled for review
 * @param reviewed the sampled predictions that got a verdict or a rating
 * @param right optional: the predictions marked right
 * @param wrong optional: the predictions marked wrong
 * @param rating optional: the ratings given, on their scale
 * @param reviewers the distinct reviewers
 * @param completedAt optional: when the review closed
 */
public record ModelReviewed(
    String pipeline,
    int modelVersion,
    String reviewId,
    int sampled,
    int reviewed,
    Integer right,
    Integer wrong,
    Rating rating,
    int reviewers,
    Instant completedAt)
    implements PipelineEvent {

  public ModelReviewed {
    Copies.required(pipeline, "pipeline");
    Copies.required(reviewId, "reviewId");
  }

  /**
   * Ratings on a scale.
   *
   * @param min the lowest rating of the scale
   * @param max the highest rating of the scale
   * @param mean the mean rating given
   * @param count the ratings given
   */
  public record Rating(double min, double max, double mean, int count) {}
}
