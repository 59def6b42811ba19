package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Expected values come from scikit-learn 1.2.1 with numpy 1.24.2 (python3-sklearn, Debian bookworm;
 * {@code sklearn.__version__} printed '1.2.1'), computed offline with the snippets shown beside
 * each fixture after {@code from sklearn.metrics import roc_curve, precision_recall_curve; from
 * sklearn.calibration import calibration_curve}; printed with {@code list(map(float, a))}.
 *
 * <p>scikit-learn 1.2 puts {@code max(scores) + 1} as the first ROC threshold; 1.3 and later put
 * {@code inf}, which {@link Curves#roc} follows: the first threshold is asserted to be infinite and
 * the others against 1.2.1's output.
 */
class CurvesTest {

  private static final Offset<Double> TOL = within(1e-9);

  private static void assertClose(double[] actual, double... expected) {
    assertThat(actual).hasSize(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i])
          .as("element %d of %s", i, Arrays.toString(actual))
          .isCloseTo(expected[i], TOL);
    }
  }

  private static double[] afterFirst(double[] values) {
    return Arrays.copyOfRange(values, 1, values.length);
  }

  /** Balanced classes, tied scores across classes (0.4 x3, 0.35 x2), as in BinaryMetricsTest. */
  static final int[] TIES_Y = {0, 0, 1, 1, 0, 1, 0, 1, 1, 0};

  static final double[] TIES_S = {0.1, 0.4, 0.35, 0.8, 0.4, 0.4, 0.2, 0.9, 0.35, 0.6};

  @Test
  void rocWithTiesMatchesSklearn() {
    // y=[0,0,1,1,0,1,0,1,1,0]; s=[0.1,0.4,0.35,0.8,0.4,0.4,0.2,0.9,0.35,0.6]
    // roc_curve(y, s) ->
    //   fpr [0.0, 0.0, 0.0, 0.2, 0.6, 0.6, 1.0]
    //   tpr [0.0, 0.2, 0.4, 0.4, 0.6, 1.0, 1.0]
    //   thr [1.9, 0.9, 0.8, 0.6, 0.4, 0.35, 0.1]
    // (drop_intermediate=False also has the point (0.8, 1.0) at 0.2, dropped here: it lies on the
    // top edge between (0.6, 1.0) and (1.0, 1.0).)
    Curves.Curve roc = Curves.roc(TIES_Y, TIES_S);
    assertClose(roc.x(), 0.0, 0.0, 0.0, 0.2, 0.6, 0.6, 1.0);
    assertClose(roc.y(), 0.0, 0.2, 0.4, 0.4, 0.6, 1.0, 1.0);
    assertThat(roc.thresholds()[0]).isEqualTo(Double.POSITIVE_INFINITY);
    assertClose(afterFirst(roc.thresholds()), 0.9, 0.8, 0.6, 0.4, 0.35, 0.1);
    assertThat(roc.size()).isEqualTo(7);
  }

  @Test
  void precisionRecallWithTiesMatchesSklearn() {
    // precision_recall_curve(y, s) with the y, s of rocWithTiesMatchesSklearn ->
    //   precision [0.5, 0.5555555555555556, 0.625, 0.5, 0.6666666666666666, 1.0, 1.0, 1.0]
    //   recall    [1.0, 1.0, 1.0, 0.6, 0.4, 0.4, 0.2, 0.0]
    //   thr       [0.1, 0.2, 0.35, 0.4, 0.6, 0.8, 0.9]
    // Full recall from 0.35 down; scikit-learn 1.2 keeps 0.2 and 0.1 as well.
    Curves.Curve pr = Curves.precisionRecall(TIES_Y, TIES_S);
    assertClose(pr.y(), 0.5, 0.5555555555555556, 0.625, 0.5, 0.6666666666666666, 1.0, 1.0, 1.0);
    assertClose(pr.x(), 1.0, 1.0, 1.0, 0.6, 0.4, 0.4, 0.2, 0.0);
    assertClose(pr.thresholds(), 0.1, 0.2, 0.35, 0.4, 0.6, 0.8, 0.9);
  }

  /** Runs of negatives and positives, so that drop_intermediate drops points; -0.0 and 0.0 tie. */
  static final int[] RUNS_Y = {1, 1, 0, 0, 0, 1, 1, 0, 1, 0, 0};

  static final double[] RUNS_S = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.0, -0.0, -0.5};

  @Test
  void rocDropsIntermediatePointsAsSklearn() {
    // y=[1,1,0,0,0,1,1,0,1,0,0]; s=[0.9,0.8,0.7,0.6,0.5,0.4,0.3,0.2,0.0,-0.0,-0.5]
    // roc_curve(y, s) ->
    //   fpr [0.0, 0.0, 0.0, 0.5, 0.5, 0.6666666666666666, 0.8333333333333334, 1.0]
    //   tpr [0.0, 0.2, 0.4, 0.4, 0.8, 0.8, 1.0, 1.0]
    //   thr [1.9, 0.9, 0.8, 0.5, 0.3, 0.2, 0.0, -0.5]
    // roc_curve(y, s, drop_intermediate=False) has 11 points: thresholds 0.7, 0.6 (on the run of
    // negatives) and 0.4 (on the run of positives) are dropped above.
    Curves.Curve roc = Curves.roc(RUNS_Y, RUNS_S);
    assertClose(roc.x(), 0.0, 0.0, 0.0, 0.5, 0.5, 0.6666666666666666, 0.8333333333333334, 1.0);
    assertClose(roc.y(), 0.0, 0.2, 0.4, 0.4, 0.8, 0.8, 1.0, 1.0);
    assertThat(roc.thresholds()[0]).isEqualTo(Double.POSITIVE_INFINITY);
    assertClose(afterFirst(roc.thresholds()), 0.9, 0.8, 0.5, 0.3, 0.2, 0.0, -0.5);
    // The tie of -0.0 and 0.0 is one threshold, reported as 0.0.
    assertThat(Double.doubleToRawLongBits(roc.thresholds()[6])).isEqualTo(0L);
  }

  @Test
  void precisionRecallOfRunsMatchesSklearn() {
    // precision_recall_curve(y, s) with the y, s of rocDropsIntermediatePointsAsSklearn ->
    //   precision [0.45454545454545453, 0.5, 0.5, 0.5714285714285714, 0.5, 0.4, 0.5,
    //              0.6666666666666666, 1.0, 1.0, 1.0]
    //   recall    [1.0, 1.0, 0.8, 0.8, 0.6, 0.4, 0.4, 0.4, 0.4, 0.2, 0.0]
    //   thr       [-0.5, 0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    Curves.Curve pr = Curves.precisionRecall(RUNS_Y, RUNS_S);
    assertClose(
        pr.y(),
        0.45454545454545453,
        0.5,
        0.5,
        0.5714285714285714,
        0.5,
        0.4,
        0.5,
        0.6666666666666666,
        1.0,
        1.0,
        1.0);
    assertClose(pr.x(), 1.0, 1.0, 0.8, 0.8, 0.6, 0.4, 0.4, 0.4, 0.4, 0.2, 0.0);
    assertClose(pr.thresholds(), -0.5, 0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9);
  }

  @Test
  void curvesOnAThousandGeneratedRowsWithManyTies() {
    // n=1000; y=[1 if (i*i+3*i)%7<3 else 0 for i in range(n)]
    // s=[((i*37+y[i]*13)%50)/50.0 for i in range(n)]
    // fpr, tpr, t = roc_curve(y, s)
    // len(fpr), math.fsum(fpr), math.fsum(tpr), math.fsum(t[1:]), fpr[5], tpr[5], t[5] ->
    //   48 23.747899159663866 23.786713286713287 23.3 0.09943977591036414 0.0979020979020979 0.9
    // len(roc_curve(y, s, drop_intermediate=False)[0]) -> 51
    // p, r, t = precision_recall_curve(y, s)
    // len(p), len(t), math.fsum(p), math.fsum(r), math.fsum(t), p[3], r[3], t[3] ->
    //   51 50 15.30543334732382 25.6013986013986 24.5 0.28662420382165604 0.9440559440559441 0.06
    int n = 1000;
    int[] y = new int[n];
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = ((long) i * i + 3L * i) % 7 < 3 ? 1 : 0;
      s[i] = ((i * 37 + y[i] * 13) % 50) / 50.0;
    }
    Curves.Curve roc = Curves.roc(y, s);
    assertThat(roc.size()).isEqualTo(48);
    assertThat(Arrays.stream(roc.x()).sum()).isCloseTo(23.747899159663866, TOL);
    assertThat(Arrays.stream(roc.y()).sum()).isCloseTo(23.786713286713287, TOL);
    assertThat(Arrays.stream(afterFirst(roc.thresholds())).sum()).isCloseTo(23.3, TOL);
    assertThat(roc.x()[5]).isCloseTo(0.09943977591036414, TOL);
    assertThat(roc.y()[5]).isCloseTo(0.0979020979020979, TOL);
    assertThat(roc.thresholds()[5]).isCloseTo(0.9, TOL);

    Curves.Curve pr = Curves.precisionRecall(y, s);
    assertThat(pr.size()).isEqualTo(51);
    assertThat(pr.thresholds()).hasSize(50);
    assertThat(Arrays.stream(pr.y()).sum()).isCloseTo(15.30543334732382, TOL);
    assertThat(Arrays.stream(pr.x()).sum()).isCloseTo(25.6013986013986, TOL);
    assertThat(Arrays.stream(pr.thresholds()).sum()).isCloseTo(24.5, TOL);
    assertThat(pr.y()[3]).isCloseTo(0.28662420382165604, TOL);
    assertThat(pr.x()[3]).isCloseTo(0.9440559440559441, TOL);
    assertThat(pr.thresholds()[3]).isCloseTo(0.06, TOL);

    // prob_true, prob_pred = calibration_curve(y, s, n_bins=10) ->
    //   prob_true [0.2773109243697479, 0.2857142857142857, 0.29411764705882354,
    //              0.2857142857142857, 0.2871287128712871, 0.29, 0.2871287128712871,
    //              0.2871287128712871, 0.28, 0.2875]
    //   prob_pred [0.050756302521008365, 0.1599999999999999, 0.2600000000000001,
    //              0.36040816326530606, 0.4592079207920794, 0.5606000000000002,
    //              0.6599999999999998, 0.7603960396039602, 0.8593999999999999,
    //              0.9494999999999999]
    Curves.Calibration cal = Curves.calibration(y, s, 10);
    assertClose(
        cal.probTrue(),
        0.2773109243697479,
        0.2857142857142857,
        0.29411764705882354,
        0.2857142857142857,
        0.2871287128712871,
        0.29,
        0.2871287128712871,
        0.2871287128712871,
        0.28,
        0.2875);
    assertClose(
        cal.probPred(),
        0.050756302521008365,
        0.1599999999999999,
        0.2600000000000001,
        0.36040816326530606,
        0.4592079207920794,
        0.5606000000000002,
        0.6599999999999998,
        0.7603960396039602,
        0.8593999999999999,
        0.9494999999999999);
    assertThat(Arrays.stream(cal.counts()).sum()).isEqualTo(n);
  }

  @Test
  void calibrationLeavesOutEmptyBinsAndBinsEdgesAsNumpy() {
    // y=[0,0,1,0,1,1,0,1,1,1,0,1]
    // p=[0.0,0.05,0.1,0.3,0.3,0.35,0.6,0.7,0.7000000000000001,0.95,0.99,1.0]
    // calibration_curve(y, p, n_bins=10) ->
    //   prob_true [0.3333333333333333, 0.5, 1.0, 0.0, 1.0, 0.6666666666666666]
    //   prob_pred [0.05000000000000001, 0.3, 0.35, 0.6, 0.7, 0.98]
    // np.linspace(0, 1, 11) -> [0.0, 0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001,
    //                           0.7000000000000001, 0.8, 0.9, 1.0]
    // np.searchsorted(np.linspace(0, 1, 11)[1:-1], p) -> [0, 0, 0, 2, 2, 3, 5, 6, 6, 9, 9, 9]
    // (0.1 falls into the first bin; 0.7000000000000001 is the edge itself, so into bin 6 with
    // 0.7; bins 1, 4, 7 and 8 are empty and left out.)
    int[] y = {0, 0, 1, 0, 1, 1, 0, 1, 1, 1, 0, 1};
    double[] p = {0.0, 0.05, 0.1, 0.3, 0.3, 0.35, 0.6, 0.7, 0.7000000000000001, 0.95, 0.99, 1.0};
    Curves.Calibration cal = Curves.calibration(y, p, 10);
    assertClose(cal.probTrue(), 0.3333333333333333, 0.5, 1.0, 0.0, 1.0, 0.6666666666666666);
    assertClose(cal.probPred(), 0.05000000000000001, 0.3, 0.35, 0.6, 0.7, 0.98);
    assertThat(cal.bins()).containsExactly(0, 2, 3, 5, 6, 9);
    assertThat(cal.counts()).containsExactly(3, 2, 1, 1, 2, 3);
    assertThat(cal.size()).isEqualTo(6);

    // calibration_curve(y, p, n_bins=3) ->
    //   prob_true [0.4, 0.5, 0.8]
    //   prob_pred [0.15, 0.475, 0.868]
    // np.searchsorted(np.linspace(0, 1, 4)[1:-1], p) -> [0, 0, 0, 0, 0, 1, 1, 2, 2, 2, 2, 2]
    Curves.Calibration three = Curves.calibration(y, p, 3);
    assertClose(three.probTrue(), 0.4, 0.5, 0.8);
    assertClose(three.probPred(), 0.15, 0.475, 0.868);
    assertThat(three.counts()).containsExactly(5, 2, 5);
    assertThat(three.bins()).containsExactly(0, 1, 2);
  }

  @Test
  void calibrationAcceptsOneClassAndOneBin() {
    // calibration_curve([0, 0], [0.2, 0.4], n_bins=1) -> ([0.0], [0.30000000000000004])
    Curves.Calibration cal = Curves.calibration(new int[] {0, 0}, new double[] {0.2, 0.4}, 1);
    assertClose(cal.probTrue(), 0.0);
    assertClose(cal.probPred(), 0.30000000000000004);
    assertThat(cal.counts()).containsExactly(2);
  }

  @Test
  void twoDistinctScoresKeepEveryPoint() {
    // roc_curve([0, 1, 1], [0.2, 0.7, 0.7]) -> fpr [0.0, 0.0, 1.0], tpr [0.0, 1.0, 1.0],
    //   thr [1.7, 0.7, 0.2]
    Curves.Curve roc = Curves.roc(new int[] {0, 1, 1}, new double[] {0.2, 0.7, 0.7});
    assertClose(roc.x(), 0.0, 0.0, 1.0);
    assertClose(roc.y(), 0.0, 1.0, 1.0);
    assertClose(afterFirst(roc.thresholds()), 0.7, 0.2);
  }

  @Test
  void refusesOneClassAndBadArguments() {
    assertThatThrownBy(() -> Curves.roc(new int[] {1, 1}, new double[] {0.2, 0.4}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only one class");
    assertThatThrownBy(() -> Curves.roc(new int[] {0, 0}, new double[] {0.2, 0.4}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only one class");
    assertThatThrownBy(() -> Curves.precisionRecall(new int[] {0, 0}, new double[] {0.2, 0.4}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no positive");
    // Only positives: defined, precision 1 throughout. precision_recall_curve([1, 1], [0.2, 0.4])
    //   -> precision [1.0, 1.0, 1.0], recall [1.0, 0.5, 0.0], thr [0.2, 0.4]
    assertClose(Curves.precisionRecall(new int[] {1, 1}, new double[] {0.2, 0.4}).y(), 1, 1, 1);
    assertThatThrownBy(() -> Curves.roc(new int[] {0, 1}, new double[] {0.1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2 and 1");
    assertThatThrownBy(() -> Curves.roc(new int[] {0, 2}, new double[] {0.1, 0.2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("element 1 is 2");
    assertThatThrownBy(() -> Curves.precisionRecall(new int[0], new double[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> Curves.roc(new int[] {0, 1}, new double[] {0.1, Double.NaN}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> Curves.calibration(new int[] {0, 1}, new double[] {0.1, 1.5}, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> Curves.calibration(new int[] {0, 1}, new double[] {0.1, 0.5}, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bins");
    assertThatThrownBy(() -> Curves.calibration(null, new double[] {0.1}, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("yTrue must not be null");
  }
}
