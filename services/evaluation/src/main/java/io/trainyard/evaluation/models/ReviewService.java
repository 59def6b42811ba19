package io.trainyard.evaluation.models;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.ModelReviewed;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.TransientEventException;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ManifestConflictException;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.ObjectStoreException;
import io.trainyard.objectstore.Prefix;
import io.trainyard.objectstore.StagedWrite;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Attaches human reviews ({@code trainyard.models.reviewed}) to evaluated model versions: a row of
 * {@code model_review}, and the version's model card rewritten with every review so far under
 * {@code evaluations/{pipeline}/v{n}/reviews/{reviewId}/} (the evaluation's own card stays as it
 * was written).
 */
@ApplicationScoped
public class ReviewService {

  private static final Logger LOG = Logger.getLogger(ReviewService.class);

  static final String REVIEW = "review.json";

  private final ObjectStore store;

  public ReviewService(ObjectStore store) {
    this.store = store;
  }

  /** Handles one {@code models.reviewed} event, in its transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onReviewed(IncomingEvent<ModelReviewed> event) {
    ModelReviewed review = event.payload();
    if (ModelEvaluation.of(review.pipeline(), review.modelVersion()).isEmpty()) {
      throw new PoisonEventException(
          "model version "
              + review.modelVersion()
              + " of pipeline '"
              + review.pipeline()
              + "' is not evaluated: a review attaches to an evaluated version");
    }
    List<String> problems = problems(review);
    if (!problems.isEmpty()) {
      throw new PoisonEventException(
          "review '" + review.reviewId() + "' does not add up: " + String.join("; ", problems));
    }
    if (ModelReview.find(review.pipeline(), review.modelVersion(), review.reviewId()).isPresent()) {
      LOG.infof(
          "review %s of %s v%d is already attached",
          review.reviewId(), review.pipeline(), review.modelVersion());
      return;
    }
    ModelReview row = ModelReview.of(review, Instant.now());
    List<ModelReview> all =
        new ArrayList<>(ModelReview.of(review.pipeline(), review.modelVersion()));
    all.add(row);
    row.cardManifestUri =
        card(review, all.stream().map(ModelReview::view).toList())
            .map(m -> store.manifestUri(m.location()))
            .orElse(null);
    row.persist();
    LOG.infof(
        "review %s of %s v%d attached: %d of %d sampled predictions reviewed",
        review.reviewId(),
        review.pipeline(),
        review.modelVersion(),
        review.reviewed(),
        review.sampled());
  }

  /** {@code evaluations/{pipeline}/v{n}/reviews/{reviewId}/}: a review and the card with it. */
  static Prefix prefix(String pipeline, int version, String reviewId) {
    return Layout.evaluation(pipeline, version).child("reviews").child(reviewId);
  }

  /** Why the review's figures do not add up; empty when they do. */
  static List<String> problems(ModelReviewed r) {
    List<String> problems = new ArrayList<>();
    if (r.reviewed() > r.sampled()) {
      problems.add("reviewed " + r.reviewed() + " is more than sampled " + r.sampled());
    }
    if ((r.right() == null) != (r.wrong() == null)) {
      problems.add("right and wrong come together");
    } else if (r.right() != null && r.right() + r.wrong() > r.reviewed()) {
      problems.add(
          "right "
              + r.right()
              + " + wrong "
              + r.wrong()
              + " is more than reviewed "
              + r.reviewed());
    }
    ModelReviewed.Rating rating = r.rating();
    if (rating != null) {
      if (!(rating.min() < rating.max())) {
        problems.add(
            "the rating scale's min " + rating.min() + " is not below its max " + rating.max());
      } else if (rating.mean() < rating.min() || rating.mean() > rating.max()) {
        problems.add(
            "the mean rating "
                + rating.mean()
                + " is outside the scale ["
                + rating.min()
                + ", "
                + rating.max()
                + "]");
      }
    }
    return problems;
  }

  /**
   * The version's model card rewritten with these reviews, stored beside the evaluation; empty when
   * the evaluation kept no card sections (evaluated before they were kept).
   */
  private Optional<Manifest> card(ModelReviewed review, List<ReviewView> reviews) {
    Prefix evaluation = Layout.evaluation(review.pipeline(), review.modelVersion());
    Prefix prefix = prefix(review.pipeline(), review.modelVersion(), review.reviewId());
    try {
      Manifest evaluated =
          store
              .manifest(evaluation)
              .orElseThrow(
                  () -> new PoisonEventException("no evaluation manifest at " + evaluation));
      if (evaluated.object(EvaluationService.CARD_SECTIONS).isEmpty()) {
        return Optional.empty();
      }
      List<ModelCard.Section> sections =
          Json.mapper()
              .readValue(
                  store.readAllBytes(evaluated, EvaluationService.CARD_SECTIONS),
                  new TypeReference<>() {});
      sections = ModelCard.withReviews(sections, reviews);
      String title = ModelCard.title(review.pipeline(), review.modelVersion());
      try (StagedWrite staged = store.stage(prefix)) {
        staged.put(REVIEW, Json.writeBytes(review), "application/json");
        staged.put(
            EvaluationService.CARD_MARKDOWN,
            ModelCard.markdown(title, sections).getBytes(StandardCharsets.UTF_8),
            EvaluationService.MARKDOWN);
        staged.put(
            EvaluationService.CARD_HTML,
            ModelCard.html(title, sections).getBytes(StandardCharsets.UTF_8),
            "text/html");
        return Optional.of(
            staged.commit(
                Map.of(
                    "kind",
                    "model-review",
                    "pipeline",
                    review.pipeline(),
                    "version",
                    review.modelVersion(),
                    "reviewId",
                    review.reviewId())));
      }
    } catch (ManifestConflictException e) {
      if (e.existing() == null) {
        throw new TransientEventException("cannot read the reviewed card at " + prefix, e);
      }
      return Optional.of(e.existing()); // an earlier attempt of this review wrote it
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException(
          "cannot write the reviewed card at " + prefix + ": " + e, e);
    }
  }
}
