package io.trainyard.evaluation.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.contracts.events.ModelReviewed;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReviewsTest {

  /**
   * Against the published formula (Wilson 1927, which statsmodels' {@code proportion_confint(k, n,
   * method="wilson")} implements) evaluated in Python with z = scipy 1.10's {@code norm.ppf(0.975)}
   * = 1.959963984540054: {@code c = (p + z²/2n) / (1 + z²/n)}, {@code h = z / (1 + z²/n) ·
   * sqrt(p(1-p)/n + z²/4n²)}.
   */
  @Test
  void wilsonIntervalsMatchTheReference() {
    assertThat(Wilson.interval(44, 48, 0.95))
        .containsExactly(new double[] {0.8044669820963272, 0.9671162431819081}, within(1e-12));
    assertThat(Wilson.interval(0, 10, 0.95))
        .containsExactly(new double[] {0.0, 0.2775327998628892}, within(1e-12));
    assertThat(Wilson.interval(10, 10, 0.95))
        .containsExactly(new double[] {0.7224672001371107, 1.0}, within(1e-12));
    assertThatThrownBy(() -> Wilson.interval(3, 2, 0.95))
        .hasMessage("need 0 <= successes <= trials and trials >= 1, not 3 of 2");
    assertThatThrownBy(() -> Wilson.interval(1, 2, 0.9))
        .hasMessage("level must be 0.95 or 0.99, not 0.9");
  }

  @Test
  void figuresThatDoNotAddUpAreNamed() {
    assertThat(ReviewService.problems(review(50, 48, 44, 4, new ModelReviewed.Rating(1, 5, 4, 9))))
        .isEmpty();
    assertThat(ReviewService.problems(review(10, 12, null, null, null)))
        .containsExactly("reviewed 12 is more than sampled 10");
    assertThat(ReviewService.problems(review(10, 10, 3, null, null)))
        .containsExactly("right and wrong come together");
    assertThat(ReviewService.problems(review(10, 8, 5, 4, null)))
        .containsExactly("right 5 + wrong 4 is more than reviewed 8");
    assertThat(
            ReviewService.problems(review(10, 8, null, null, new ModelReviewed.Rating(5, 1, 3, 2))))
        .containsExactly("the rating scale's min 5.0 is not below its max 1.0");
    assertThat(
            ReviewService.problems(review(10, 8, null, null, new ModelReviewed.Rating(1, 5, 6, 2))))
        .containsExactly("the mean rating 6.0 is outside the scale [1.0, 5.0]");
  }

  @Test
  void aReviewSectionGoesBeforeTheLimitationsAndReplacesAnEarlierOne() {
    List<ModelCard.Section> sections =
        List.of(
            new ModelCard.Section("Metrics", List.of("m"), List.of()),
            new ModelCard.Section(
                ModelCard.LIMITATIONS, List.of("drift", ModelCard.NOT_REVIEWED), List.of()));
    ReviewView one =
        new ReviewView(
            "r-1",
            10,
            10,
            9,
            1,
            0.9,
            new ReviewView.Interval(0.6, 0.98, 0.95),
            null,
            2,
            null,
            null);
    List<ModelCard.Section> once = ModelCard.withReviews(sections, List.of(one));
    assertThat(once)
        .extracting(ModelCard.Section::heading)
        .containsExactly("Metrics", ModelCard.HUMAN_REVIEW, ModelCard.LIMITATIONS);
    assertThat(once.get(2).paragraphs()).containsExactly("drift");
    assertThat(once.get(1).table().get(1))
        .containsExactly("r-1", "", "10", "10", "2", "9 / 1", "0.9000 [0.6000, 0.9800]", "");

    List<ModelCard.Section> twice = ModelCard.withReviews(once, List.of(one, one));
    assertThat(twice)
        .extracting(ModelCard.Section::heading)
        .containsExactly("Metrics", ModelCard.HUMAN_REVIEW, ModelCard.LIMITATIONS);
    assertThat(twice.get(1).table()).hasSize(3);
  }

  private static ModelReviewed review(
      int sampled, int reviewed, Integer right, Integer wrong, ModelReviewed.Rating rating) {
    return new ModelReviewed("p", 1, "r", sampled, reviewed, right, wrong, rating, 1, null);
  }
}
