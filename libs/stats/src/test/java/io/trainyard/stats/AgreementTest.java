package io.trainyard.stats;

import static io.trainyard.stats.Agreement.MISSING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.stats.Agreement.Vote;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The agreement statistics against independent references, to 1e-9: scikit-learn 1.2.1's {@code
 * cohen_kappa_score}, statsmodels 0.13.5's {@code fleiss_kappa}, and numpy write-ups of
 * Krippendorff (2011) and of irrCAC's {@code gwet.ac1.raw} / {@code pa.coeff.raw}. The fixtures and
 * the script that printed the expected values are in {@code
 * src/test/resources/agreement_reference.py}; its output is quoted next to each value.
 */
class AgreementTest {

  private static final Offset<Double> E = within(1e-9);
  private static final int M = MISSING;

  /**
   * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C (nominal data, any
   * number of observers, missing data): observers A-D (rows) rate units 1-12 (columns) with values
   * 1-5, 0 standing for the paper's '*'.
   */
  private static final int[][] PAPER_OBSERVERS = {
    {1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0},
    {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3},
    {0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0},
    {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0}
  };

  /** 10 items x 3 annotators, complete; categories 0, 1, 2 used 13, 10 and 7 times. */
  private static final int[][] THREE = {
    {0, 0, 0}, {0, 0, 1}, {1, 1, 1}, {2, 2, 2}, {1, 2, 1},
    {0, 1, 2}, {0, 0, 0}, {0, 0, 0}, {1, 1, 0}, {2, 2, 1}
  };

  /**
   * 9 items x 4 annotators with missing ratings, 4 categories (3 never used): item 6 has a single
   * rating (it counts for AC1's π only), item 7 none (ignored everywhere).
   */
  private static final int[][] MISSING_RATINGS = {
    {0, 0, M, 0},
    {1, 1, 2, M},
    {M, 2, 2, 2},
    {0, 1, M, M},
    {2, 2, 2, 2},
    {1, M, 1, 0},
    {M, M, 1, M},
    {M, M, M, M},
    {0, 0, 1, 0}
  };

  /**
   * Wikipedia's Fleiss' kappa example (also statsmodels' test table): 10 subjects, 14 raters,
   * ratings per category 1-5.
   */
  private static final int[][] WIKIPEDIA_COUNTS = {
    {0, 0, 0, 0, 14},
    {0, 2, 6, 4, 2},
    {0, 0, 3, 5, 6},
    {0, 3, 9, 2, 0},
    {2, 2, 8, 1, 1},
    {7, 7, 0, 0, 0},
    {3, 2, 6, 3, 0},
    {2, 5, 3, 2, 2},
    {6, 5, 2, 1, 0},
    {0, 2, 2, 3, 7}
  };

  /** The paper's table as {@code ratings[unit][observer]}, value v as category v - 1. */
  private static int[][] paperRatings() {
    int[][] ratings = new int[12][4];
    for (int unit = 0; unit < 12; unit++) {
      for (int observer = 0; observer < 4; observer++) {
        ratings[unit][observer] = PAPER_OBSERVERS[observer][unit] - 1; // '*' (0) becomes MISSING
      }
    }
    return ratings;
  }

  /** A ratings matrix from counts per category: each item's raters in category order. */
  private static int[][] fromCounts(int[][] counts) {
    int[][] ratings = new int[counts.length][];
    for (int i = 0; i < counts.length; i++) {
      int raters = 0;
      for (int count : counts[i]) {
        raters += count;
      }
      ratings[i] = new int[raters];
      int j = 0;
      for (int k = 0; k < counts[i].length; k++) {
        for (int c = 0; c < counts[i][k]; c++) {
          ratings[i][j++] = k;
        }
      }
    }
    return ratings;
  }

  @Test
  void krippendorffsPublishedNominalExample() {
    int[][] ratings = paperRatings();
    // The script's coincidence matrix has n_c = [9, 13, 10, 5, 3] and n = 40 pairable values, as
    // the paper; krippendorff_alpha_nominal 0.743421052631579 (= 113 / 152).
    double alpha = Agreement.krippendorffAlphaNominal(ratings, 5);
    assertThat(alpha).isCloseTo(0.743421052631579, E);
    assertThat(Math.round(alpha * 1000) / 1000.0).isEqualTo(0.743); // the paper's alpha
    // gwet_ac1 0.775444068126995: irrCAC's gwet.ac1.raw(cac.raw4raters), the same data, prints
    // 0.77544. percent_agreement 0.8181818181818182.
    assertThat(Agreement.gwetAc1(ratings, 5)).isCloseTo(0.775444068126995, E);
    assertThat(Agreement.percentAgreement(ratings, 5)).isCloseTo(0.8181818181818182, E);
    // cohen_kappa 0 1 0.8448275862068966, 2 3 0.6153846153846154.
    assertThat(Agreement.cohenKappa(ratings, 0, 1, 5)).isCloseTo(0.8448275862068966, E);
    assertThat(Agreement.cohenKappa(ratings, 2, 3, 5)).isCloseTo(0.6153846153846154, E);
    // annotator_agreement ['0.8076923076923077', '0.8214285714285714', '0.6666666666666666',
    // '0.8275862068965517']
    assertThat(Agreement.annotatorAgreement(ratings, 0)).isCloseTo(0.8076923076923077, E);
    assertThat(Agreement.annotatorAgreement(ratings, 1)).isCloseTo(0.8214285714285714, E);
    assertThat(Agreement.annotatorAgreement(ratings, 2)).isCloseTo(0.6666666666666666, E);
    assertThat(Agreement.annotatorAgreement(ratings, 3)).isCloseTo(0.8275862068965517, E);
  }

  @Test
  void threeCompleteAnnotatorsMatchTheReferences() {
    // == three annotators
    // percent_agreement 0.6333333333333332
    // gwet_ac1 0.45812807881773376
    // krippendorff_alpha_nominal 0.45189003436426123
    // fleiss_kappa 0.4329896907216492
    // cohen_kappa 0 1 0.6923076923076923 / 0 2 0.375 / 1 2 0.24242424242424243
    // annotator_agreement ['0.7', '0.65', '0.55']
    assertThat(Agreement.percentAgreement(THREE, 3)).isCloseTo(0.6333333333333332, E);
    assertThat(Agreement.gwetAc1(THREE, 3)).isCloseTo(0.45812807881773376, E);
    assertThat(Agreement.krippendorffAlphaNominal(THREE, 3)).isCloseTo(0.45189003436426123, E);
    assertThat(Agreement.fleissKappa(THREE, 3)).isCloseTo(0.4329896907216492, E);
    assertThat(Agreement.cohenKappa(THREE, 0, 1, 3)).isCloseTo(0.6923076923076923, E);
    assertThat(Agreement.cohenKappa(THREE, 0, 2, 3)).isCloseTo(0.375, E);
    assertThat(Agreement.cohenKappa(THREE, 1, 2, 3)).isCloseTo(0.24242424242424243, E);
    assertThat(Agreement.cohenKappa(THREE, 2, 1, 3)).isCloseTo(0.24242424242424243, E);
    assertThat(Agreement.annotatorAgreement(THREE, 0)).isCloseTo(0.7, E);
    assertThat(Agreement.annotatorAgreement(THREE, 1)).isCloseTo(0.65, E);
    assertThat(Agreement.annotatorAgreement(THREE, 2)).isCloseTo(0.55, E);
  }

  @Test
  void missingRatingsAreLeftOut() {
    // == missing ratings
    // percent_agreement 0.5952380952380951
    // gwet_ac1 0.4806062775987587
    // krippendorff_alpha_nominal 0.475
    // cohen_kappa 0 1 0.6875 / 0 2 0.19999999999999996 / 1 3 1.0
    // annotator_agreement ['0.6923076923076923', '0.7692307692307693', '0.5', '0.75']
    assertThat(Agreement.percentAgreement(MISSING_RATINGS, 4)).isCloseTo(0.5952380952380951, E);
    // q = 4 as given, though category 3 is never used: irrCAC's gwet.ac1.raw(ratings,
    // categ.labels = 0:3). Its default (q = the 3 categories present) would give 0.3949...; taking
    // π over the items rated twice instead of once, 0.4801...
    assertThat(Agreement.gwetAc1(MISSING_RATINGS, 4)).isCloseTo(0.4806062775987587, E);
    assertThat(Agreement.krippendorffAlphaNominal(MISSING_RATINGS, 4)).isCloseTo(0.475, E);
    assertThat(Agreement.cohenKappa(MISSING_RATINGS, 0, 1, 4)).isCloseTo(0.6875, E);
    assertThat(Agreement.cohenKappa(MISSING_RATINGS, 0, 2, 4)).isCloseTo(0.19999999999999996, E);
    assertThat(Agreement.cohenKappa(MISSING_RATINGS, 1, 3, 4)).isCloseTo(1.0, E);
    assertThat(Agreement.annotatorAgreement(MISSING_RATINGS, 0)).isCloseTo(0.6923076923076923, E);
    assertThat(Agreement.annotatorAgreement(MISSING_RATINGS, 1)).isCloseTo(0.7692307692307693, E);
    assertThat(Agreement.annotatorAgreement(MISSING_RATINGS, 2)).isCloseTo(0.5, E);
    assertThat(Agreement.annotatorAgreement(MISSING_RATINGS, 3)).isCloseTo(0.75, E);
    // Fleiss needs the same number of ratings on every item.
    assertThatThrownBy(() -> Agreement.fleissKappa(MISSING_RATINGS, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Fleiss' kappa needs the same number of ratings on every item, but item 0 has 3 and"
                + " item 3 has 2");
  }

  @Test
  void cohenKappaIsScikitLearns() {
    // Rater a never says 3, rater b never says 2: cohen_kappa_score(a, b) 0.26470588235294124.
    int[] a = {0, 1, 2, 0, 1, 2, 0, 0, 1, 1};
    int[] b = {0, 1, 1, 0, 3, 1, 3, 0, 1, 0};
    assertThat(Agreement.cohenKappa(a, b, 4)).isCloseTo(0.26470588235294124, E);
    assertThat(Agreement.cohenKappa(a, b, 7)).isCloseTo(0.26470588235294124, E);
    // Only the items both rated: cohen_kappa with missing 0.34375.
    int[] am = {0, 1, M, 0, 1, 2, 0, M, 1, 1};
    int[] bm = {0, 1, 1, 0, 3, M, 3, 0, 1, 0};
    assertThat(Agreement.cohenKappa(am, bm, 4)).isCloseTo(0.34375, E);
    // Each rater constant, but different: cohen_kappa_score([1, 1, 1], [2, 2, 2]) 0.0.
    assertThat(Agreement.cohenKappa(new int[] {1, 1, 1}, new int[] {2, 2, 2}, 3)).isZero();
    // Both constant and equal: scikit-learn returns nan.
    expectFailure(
        () -> Agreement.cohenKappa(new int[] {1, 1, M}, new int[] {1, 1, 0}, 3),
        "Cohen's kappa is undefined: both raters gave every item the same category, so the"
            + " expected agreement is 1");
  }

  @Test
  void fleissKappaIsStatsmodelsOnWikipediasExample() {
    int[][] ratings = fromCounts(WIKIPEDIA_COUNTS);
    assertThat(ratings[1]).containsExactly(1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4);
    // fleiss_kappa(wiki, method='fleiss') 0.20993070442195522, Wikipedia's 0.210.
    double kappa = Agreement.fleissKappa(ratings, 5);
    assertThat(kappa).isCloseTo(0.20993070442195522, E);
    assertThat(Math.round(kappa * 1000) / 1000.0).isEqualTo(0.210);
    // Wikipedia's P̄ = 0.378.
    assertThat(Agreement.percentAgreement(ratings, 5)).isCloseTo(0.378021978021978, E);
    // Which raters gave the ratings does not matter: the missing entries of one item are skipped.
    int[][] shifted = {{0, 1, M}, {M, 1, 1}, {0, M, 0}};
    int[][] packed = {{0, 1}, {1, 1}, {0, 0}};
    assertThat(Agreement.fleissKappa(shifted, 2))
        .isCloseTo(Agreement.fleissKappa(packed, 2), within(0.0));
  }

  @Test
  void majorityVoteBreaksTiesByThePreferredLabelElseTheLowest() {
    assertThat(Agreement.majority(new int[] {2, 1, 2, M}, 3, MISSING))
        .isEqualTo(new Vote(2, false, 2, 3));
    // The preferred label loses when it is not among the tied.
    assertThat(Agreement.majority(new int[] {2, 1, 2, 0}, 3, 0))
        .isEqualTo(new Vote(2, false, 2, 4));
    // A tie without a preferred label: the lowest category.
    assertThat(Agreement.majority(new int[] {2, 1, 1, 2}, 3, MISSING))
        .isEqualTo(new Vote(1, true, 2, 4));
    // A tie with a preferred label among the tied: it wins, and the vote is still a tie.
    assertThat(Agreement.majority(new int[] {2, 1, 1, 2, 0}, 3, 2))
        .isEqualTo(new Vote(2, true, 2, 5));
    // A preferred label outside the tie: the lowest tied category.
    assertThat(Agreement.majority(new int[] {2, 1, 1, 2, 0}, 3, 0))
        .isEqualTo(new Vote(1, true, 2, 5));
    // A single rating, and all categories tied once each.
    assertThat(Agreement.majority(new int[] {M, 1, M}, 3, MISSING))
        .isEqualTo(new Vote(1, false, 1, 1));
    assertThat(Agreement.majority(new int[] {2, 0, 1}, 3, MISSING))
        .isEqualTo(new Vote(0, true, 1, 3));
  }

  @Test
  void undefinedStatisticsThrowWithTheReason() {
    int[][] oneEach = {{0, M}, {M, 1}};
    expectFailure(
        () -> Agreement.percentAgreement(oneEach, 2),
        "percent agreement is undefined: no item has 2 ratings");
    expectFailure(
        () -> Agreement.gwetAc1(oneEach, 2), "Gwet's AC1 is undefined: no item has 2 ratings");
    expectFailure(
        () -> Agreement.krippendorffAlphaNominal(oneEach, 2),
        "Krippendorff's alpha is undefined: no item has 2 ratings, so no value is pairable");
    int[][] allOne = {{1, 1}, {1, 1}, {0, M}};
    expectFailure(
        () -> Agreement.krippendorffAlphaNominal(allOne, 2),
        "Krippendorff's alpha is undefined: every pairable rating is the same category, so the"
            + " expected disagreement is 0");
    expectFailure(
        () -> Agreement.fleissKappa(new int[][] {{1, 1}, {1, 1}}, 2),
        "Fleiss' kappa is undefined: every rating is the same category, so the expected"
            + " agreement is 1");
    expectFailure(
        () -> Agreement.fleissKappa(new int[][] {{1, M}, {0, M}}, 2),
        "Fleiss' kappa needs at least 2 ratings per item, but item 0 has 1");
    expectFailure(
        () -> Agreement.gwetAc1(new int[][] {{0, 0}}, 1),
        "Gwet's AC1 needs at least 2 categories, got 1");
    expectFailure(
        () -> Agreement.cohenKappa(new int[][] {{0, 1}, {1, M}, {M, 0}}, 0, 1, 2),
        "Cohen's kappa needs at least 2 items rated by both raters, got 1");
    expectFailure(
        () -> Agreement.annotatorAgreement(new int[][] {{0, M}, {M, 1}}, 1),
        "rater 1 shares no rated item with another rater: agreement is undefined");
    expectFailure(
        () -> Agreement.majority(new int[] {M, M}, 3, 1),
        "a majority vote needs at least one rating, got none");
  }

  @Test
  void invalidArgumentsThrowWithTheReason() {
    expectFailure(() -> Agreement.percentAgreement(null, 2), "ratings must not be null");
    expectFailure(() -> Agreement.fleissKappa(new int[0][], 2), "ratings has no item");
    expectFailure(() -> Agreement.gwetAc1(new int[][] {{0, 1}, null}, 2), "ratings[1] is null");
    expectFailure(
        () -> Agreement.krippendorffAlphaNominal(new int[][] {{0, 1}, {0, 1, 1}}, 2),
        "every item needs one entry per rater, but item 0 has 2 and item 1 has 3");
    expectFailure(
        () -> Agreement.percentAgreement(new int[][] {{0}, {1}}, 2),
        "agreement needs at least 2 raters (columns), got 1");
    expectFailure(
        () -> Agreement.percentAgreement(new int[][] {{0, 1}, {2, -2}}, 3),
        "ratings[1][1] is -2: neither a category in [0, 3) nor MISSING (-1)");
    expectFailure(
        () -> Agreement.fleissKappa(new int[][] {{0, 3}}, 3),
        "ratings[0][1] is 3: neither a category in [0, 3) nor MISSING (-1)");
    expectFailure(
        () -> Agreement.krippendorffAlphaNominal(THREE, 0), "categories must be at least 1, got 0");
    expectFailure(
        () -> Agreement.cohenKappa(null, new int[] {0}, 2),
        "the ratings of both raters must not be null");
    expectFailure(
        () -> Agreement.cohenKappa(new int[] {0, 1}, new int[] {0}, 2),
        "both raters need one entry per item, but have 2 and 1");
    expectFailure(
        () -> Agreement.cohenKappa(new int[] {0, 1}, new int[] {0, 2}, 2),
        "b[1] is 2: neither a category in [0, 2) nor MISSING (-1)");
    expectFailure(() -> Agreement.cohenKappa(THREE, 0, 3, 3), "raterB is 3, not a rater in [0, 3)");
    expectFailure(
        () -> Agreement.cohenKappa(THREE, -1, 2, 3), "raterA is -1, not a rater in [0, 3)");
    expectFailure(
        () -> Agreement.cohenKappa(THREE, 1, 1, 3),
        "raterA and raterB must differ, but both are 1");
    expectFailure(
        () -> Agreement.annotatorAgreement(THREE, 3), "rater is 3, not a rater in [0, 3)");
    expectFailure(
        () -> Agreement.annotatorAgreement(new int[][] {{0, -3}}, 0),
        "ratings[0][1] is -3: neither a category (>= 0) nor MISSING (-1)");
    expectFailure(() -> Agreement.majority(null, 3, M), "itemRatings must not be null");
    expectFailure(
        () -> Agreement.majority(new int[] {0, 5}, 3, M),
        "itemRatings[1] is 5: neither a category in [0, 3) nor MISSING (-1)");
    expectFailure(
        () -> Agreement.majority(new int[] {0, 1}, 3, 3),
        "preferred is 3: neither a category in [0, 3) nor MISSING (-1)");
  }

  private static void expectFailure(ThrowingCallable call, String message) {
    assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
