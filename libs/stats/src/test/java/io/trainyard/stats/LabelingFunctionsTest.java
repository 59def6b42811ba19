package io.trainyard.stats;

import static io.trainyard.stats.LabelingFunctions.ABSTAIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * The labeling-function analysis and majority vote against Snorkel 0.9.x's definitions, to 1e-12:
 * Snorkel's own published values (the docstrings of {@code snorkel/labeling/analysis.py} and {@code
 * snorkel/labeling/model/baselines.py}, and {@code test/labeling/test_analysis.py}), and a
 * numpy/scipy.sparse re-implementation of its source, statement for statement, in {@code
 * src/test/resources/labeling_functions_reference.py} (Snorkel itself is not installable here). The
 * script's output is quoted next to each value.
 */
class LabelingFunctionsTest {

  private static final Offset<Double> E = within(1e-12);
  private static final int A = ABSTAIN;

  /** The example of every {@code LFAnalysis} method's docstring. */
  private static final int[][] DOCSTRING = {
    {A, 0, 0},
    {A, A, A},
    {1, 0, A},
    {A, 0, A},
    {0, 0, 0}
  };

  /** Snorkel's {@code test/labeling/test_analysis.py}: {@code L} and {@code Y}. */
  private static final int[][] SNORKEL_TEST_L = {
    {A, A, 0, A, A, 0},
    {A, A, A, 2, A, A},
    {2, A, A, A, A, 0},
    {1, A, 2, A, 0, 0},
    {A, A, A, A, A, A},
    {1, A, 0, 2, 1, 0}
  };

  private static final int[] SNORKEL_TEST_Y = {0, 1, 2, 0, 1, 2};

  /**
   * 12 rows x 4 functions, 3 classes: agreeing overlaps, conflicts (2-1, 3-1), ties (1-1, 2-2), a
   * row nobody labels, rows a single function labels.
   */
  private static final int[][] FIXTURE = {
    {0, 0, A, A}, // two agree
    {0, 1, A, A}, // 1-1 tie, conflict
    {A, A, A, A}, // nobody labels it
    {1, A, A, A}, // one label
    {1, 1, 2, A}, // 2-1 majority, conflict
    {A, 2, 2, 2}, // three agree
    {2, A, 0, A}, // 1-1 tie, conflict
    {A, A, A, 0}, // one label
    {0, 0, 1, 1}, // 2-2 tie, conflict
    {A, 1, A, 1}, // two agree
    {2, 2, 2, 0}, // 3-1 majority, conflict
    {A, A, 1, A} // one label
  };

  /** Gold labels of the fixture, -1 unknown. */
  private static final int[] FIXTURE_GOLD = {0, 1, 2, 1, 1, 2, -1, 0, 0, 1, 2, -1};

  /** Gold labels where function 3 labels no row whose gold label is known. */
  private static final int[] FIXTURE_GOLD_PARTIAL = {0, 1, 2, 1, 1, -1, 2, -1, -1, -1, -1, 1};

  private static void assertClose(double[] actual, double... expected) {
    assertThat(actual).hasSize(expected.length);
    for (int j = 0; j < expected.length; j++) {
      if (Double.isNaN(expected[j])) {
        assertThat(actual[j]).as("function %d", j).isNaN();
      } else {
        assertThat(actual[j]).as("function %d", j).isCloseTo(expected[j], E);
      }
    }
  }

  @Test
  void snorkelsDocstringExample() {
    // Published: label_coverage 0.8, label_overlap 0.6, label_conflict 0.2, lf_coverages [0.4,
    // 0.8, 0.4], lf_overlaps [0.4, 0.6, 0.4], lf_conflicts [0.2, 0.2, 0.]. The script prints the
    // same.
    assertThat(LabelingFunctions.totalCoverage(DOCSTRING)).isCloseTo(0.8, E);
    assertThat(LabelingFunctions.totalOverlap(DOCSTRING)).isCloseTo(0.6, E);
    assertThat(LabelingFunctions.totalConflict(DOCSTRING)).isCloseTo(0.2, E);
    assertClose(LabelingFunctions.coverage(DOCSTRING), 0.4, 0.8, 0.4);
    assertClose(LabelingFunctions.overlaps(DOCSTRING), 0.4, 0.6, 0.4);
    assertClose(LabelingFunctions.conflicts(DOCSTRING), 0.2, 0.2, 0.0);
    // majority_vote (cardinality 2) [0, -1, -1, 0, 0]: row 1 nobody, row 2 a 1-1 tie.
    assertThat(LabelingFunctions.majorityVote(DOCSTRING, 2)).containsExactly(0, A, A, 0, 0);
  }

  @Test
  void snorkelsAnalysisTest() {
    // Published (test_analysis.py): label_coverage 5/6, label_overlap 4/6, label_conflict 3/6,
    // lf_coverages [3/6, 0, 3/6, 2/6, 2/6, 4/6], lf_overlaps [3/6, 0, 3/6, 1/6, 2/6, 4/6],
    // lf_conflicts [3/6, 0, 2/6, 1/6, 2/6, 3/6]. The script prints the same.
    int[][] l = SNORKEL_TEST_L;
    assertThat(LabelingFunctions.totalCoverage(l)).isCloseTo(5 / 6.0, E);
    assertThat(LabelingFunctions.totalOverlap(l)).isCloseTo(4 / 6.0, E);
    assertThat(LabelingFunctions.totalConflict(l)).isCloseTo(3 / 6.0, E);
    assertClose(LabelingFunctions.coverage(l), 3 / 6.0, 0, 3 / 6.0, 2 / 6.0, 2 / 6.0, 4 / 6.0);
    assertClose(LabelingFunctions.overlaps(l), 3 / 6.0, 0, 3 / 6.0, 1 / 6.0, 2 / 6.0, 4 / 6.0);
    assertClose(LabelingFunctions.conflicts(l), 3 / 6.0, 0, 2 / 6.0, 1 / 6.0, 2 / 6.0, 3 / 6.0);
    // Published lf_empirical_accuracies [1/3, 0, 1/3, 1/2, 1/2, 2/4]; the script prints
    // [0.33333333333333337, nan, 0.33333333333333337, 0.5, 0.5, 0.5] without nan_to_num: function
    // 1 labels nothing, NaN here where Snorkel reports 0.
    assertClose(
        LabelingFunctions.empiricalAccuracies(l, SNORKEL_TEST_Y),
        1 / 3.0,
        Double.NaN,
        1 / 3.0,
        0.5,
        0.5,
        0.5);
    // majority_vote (cardinality 3) [0, 2, -1, 0, -1, -1].
    assertThat(LabelingFunctions.majorityVote(l, 3)).containsExactly(0, 2, A, 0, A, A);
  }

  @Test
  void snorkelsMajorityLabelVoterExamples() {
    // The docstring's predict_proba [[1, 0], [0.5, 0.5], [0.5, 0.5]]: predict with
    // tie_break_policy="abstain" gives [0, -1, -1] (script: majority_vote [0, -1, -1]).
    int[][] docstring = {{0, 0, A}, {A, 0, 1}, {1, A, 0}};
    assertThat(LabelingFunctions.majorityVote(docstring, 2)).containsExactly(0, A, A);
    // test_baseline.py's predict_proba [[1, 0], [1, 0], [1, 0], [0, 1]] (script: [0, 0, 0, 1]).
    int[][] test = {{0, 1, 0}, {0, 1, 0}, {1, 0, 0}, {A, A, 1}};
    assertThat(LabelingFunctions.majorityVote(test, 2)).containsExactly(0, 0, 0, 1);
  }

  @Test
  void fixtureAnalysis() {
    // lf_coverages [0.5833333333333334, 0.5833333333333334, 0.5, 0.4166666666666667]
    assertClose(
        LabelingFunctions.coverage(FIXTURE),
        0.5833333333333334,
        0.5833333333333334,
        0.5,
        0.4166666666666667);
    // lf_overlaps [0.5, 0.5833333333333334, 0.4166666666666667, 0.3333333333333333]
    assertClose(
        LabelingFunctions.overlaps(FIXTURE),
        0.5,
        0.5833333333333334,
        0.4166666666666667,
        0.3333333333333333);
    // lf_conflicts [0.4166666666666667, 0.3333333333333333, 0.3333333333333333,
    // 0.16666666666666666]
    assertClose(
        LabelingFunctions.conflicts(FIXTURE),
        0.4166666666666667,
        0.3333333333333333,
        0.3333333333333333,
        0.16666666666666666);
    // label_coverage 0.9166666666666666, label_overlap 0.6666666666666666, label_conflict
    // 0.4166666666666667
    assertThat(LabelingFunctions.totalCoverage(FIXTURE)).isCloseTo(0.9166666666666666, E);
    assertThat(LabelingFunctions.totalOverlap(FIXTURE)).isCloseTo(0.6666666666666666, E);
    assertThat(LabelingFunctions.totalConflict(FIXTURE)).isCloseTo(0.4166666666666667, E);
  }

  @Test
  void fixtureEmpiricalAccuracies() {
    // gold [0, 1, 2, 1, 1, 2, -1, 0, 0, 1, 2, -1]: labeled known rows [6, 7, 4, 5],
    // lf_empirical_accuracies [0.8333333333333333, 1.0, 0.5, 0.6]
    assertClose(
        LabelingFunctions.empiricalAccuracies(FIXTURE, FIXTURE_GOLD),
        0.8333333333333333,
        1.0,
        0.5,
        0.6);
    // gold [0, 1, 2, 1, 1, -1, 2, -1, -1, -1, -1, 1]: labeled known rows [5, 3, 3, 0], without
    // nan_to_num [0.8, 1.0, 0.33333333333333337, nan] (Snorkel's nan_to_num: 0.0 for function 3)
    assertClose(
        LabelingFunctions.empiricalAccuracies(FIXTURE, FIXTURE_GOLD_PARTIAL),
        0.8,
        1.0,
        0.33333333333333337,
        Double.NaN);
    // No known gold label at all: no evidence for any function.
    int[] unknown = new int[FIXTURE.length];
    java.util.Arrays.fill(unknown, -1);
    assertClose(
        LabelingFunctions.empiricalAccuracies(FIXTURE, unknown),
        Double.NaN,
        Double.NaN,
        Double.NaN,
        Double.NaN);
  }

  @Test
  void fixtureMajorityVote() {
    // majority_vote (cardinality 3) [0, -1, -1, 1, 1, 2, -1, 0, -1, 1, 2, 1]
    assertThat(LabelingFunctions.majorityVote(FIXTURE, 3))
        .containsExactly(0, A, A, 1, 1, 2, A, 0, A, 1, 2, 1);
    // More classes than used change nothing.
    assertThat(LabelingFunctions.majorityVote(FIXTURE, 5))
        .containsExactly(0, A, A, 1, 1, 2, A, 0, A, 1, 2, 1);
  }

  @Test
  void oneClassAndNoFunctions() {
    // One class (Snorkel's probs_to_preds refuses it): a labeled row gets class 0.
    assertThat(LabelingFunctions.majorityVote(new int[][] {{0, A}, {A, A}, {0, 0}}, 1))
        .containsExactly(0, A, 0);
    // Rows without functions: nothing is labeled.
    int[][] none = {{}, {}};
    assertThat(LabelingFunctions.coverage(none)).isEmpty();
    assertThat(LabelingFunctions.overlaps(none)).isEmpty();
    assertThat(LabelingFunctions.conflicts(none)).isEmpty();
    assertThat(LabelingFunctions.empiricalAccuracies(none, new int[] {0, 1})).isEmpty();
    assertThat(LabelingFunctions.totalCoverage(none)).isZero();
    assertThat(LabelingFunctions.totalOverlap(none)).isZero();
    assertThat(LabelingFunctions.totalConflict(none)).isZero();
    assertThat(LabelingFunctions.majorityVote(none, 2)).containsExactly(A, A);
  }

  @Test
  void conflictNeedsDistinctLabelsNotJustOverlap() {
    int[][] l = {{1, 1, 1}, {1, 1, 0}, {A, 2, A}};
    assertThat(LabelingFunctions.totalOverlap(l)).isCloseTo(2 / 3.0, E);
    assertThat(LabelingFunctions.totalConflict(l)).isCloseTo(1 / 3.0, E);
    // Every function labeling a conflicted row counts it, also those agreeing with another.
    assertClose(LabelingFunctions.conflicts(l), 1 / 3.0, 1 / 3.0, 1 / 3.0);
    assertClose(LabelingFunctions.overlaps(l), 2 / 3.0, 2 / 3.0, 2 / 3.0);
    assertClose(LabelingFunctions.coverage(l), 2 / 3.0, 1.0, 2 / 3.0);
  }

  @Test
  void rejectsInvalidArguments() {
    assertInvalid(() -> LabelingFunctions.coverage(null), "must not be null");
    assertInvalid(() -> LabelingFunctions.overlaps(new int[0][]), "has no row");
    assertInvalid(() -> LabelingFunctions.conflicts(new int[][] {{0}, null}), "L[1] is null");
    assertInvalid(
        () -> LabelingFunctions.totalCoverage(new int[][] {{0, 1}, {0}}),
        "row 0 has 2 and row 1 has 1");
    assertInvalid(
        () -> LabelingFunctions.totalOverlap(new int[][] {{0, -2}}),
        "L[0][1] is -2: neither a class (>= 0) nor ABSTAIN (-1)");
    assertInvalid(
        () -> LabelingFunctions.majorityVote(new int[][] {{0, 2}}, 2),
        "L[0][1] is 2: neither a class in [0, 2) nor ABSTAIN (-1)");
    assertInvalid(
        () -> LabelingFunctions.majorityVote(new int[][] {{0}}, 0),
        "classes must be at least 1, got 0");
    assertInvalid(
        () -> LabelingFunctions.empiricalAccuracies(FIXTURE, null), "gold must not be null");
    assertInvalid(
        () -> LabelingFunctions.empiricalAccuracies(FIXTURE, new int[] {0, 1}),
        "gold needs one label per row of L, but has 2 for 12 rows");
    assertInvalid(
        () -> LabelingFunctions.empiricalAccuracies(new int[][] {{0}, {1}}, new int[] {0, -3}),
        "gold[1] is -3: neither a class (>= 0) nor unknown (-1)");
  }

  private static void assertInvalid(ThrowingCallable call, String message) {
    assertThatThrownBy(call)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
