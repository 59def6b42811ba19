package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * {@link Binned} against SciPy 1.10.1 and numpy, to 1e-9 (values printed by {@code
 * src/test/resources/drift_reference.py}).
 */
class BinnedTest {

  private static final Offset<Double> E = within(1e-9);

  @Test
  void jensenShannonIsScipysWithTheNaturalLogarithm() {
    // distance.jensenshannon(p, q)
    assertThat(Binned.jensenShannonDistance(new long[] {1, 2, 3, 4}, new long[] {4, 3, 2, 1}))
        .isCloseTo(0.32625164411267443, E);
    assertThat(Binned.jensenShannonDistance(new long[] {10, 0, 5}, new long[] {0, 10, 5}))
        .isCloseTo(0.6797779934458726, E);
    assertThat(
            Binned.jensenShannonDistance(
                new double[] {0.2, 0.3, 0.5}, new double[] {0.25, 0.25, 0.5}))
        .isCloseTo(0.05029607305241432, E);
    assertThat(
            Binned.jensenShannonDistance(
                new long[] {100, 250, 0, 650}, new long[] {90, 260, 3, 647}))
        .isCloseTo(0.03495880513625434, E);
    // Disjoint distributions: the maximum, √(ln 2) in base e.
    assertThat(Binned.jensenShannonDistance(new long[] {1, 0}, new long[] {0, 1}))
        .isCloseTo(0.8325546111576977, E)
        .isCloseTo(Math.sqrt(Math.log(2)), within(1e-15));
    // Counts and proportions give the same distance; identical distributions give 0.
    assertThat(Binned.jensenShannonDistance(new double[] {1, 2, 3, 4}, new double[] {4, 3, 2, 1}))
        .isCloseTo(0.32625164411267443, E);
    assertThat(Binned.jensenShannonDistance(new long[] {3, 0, 9}, new long[] {1, 0, 3})).isZero();
  }

  @Test
  void chiSquareIsEvidentlysScipyChisquare() {
    // stats.chisquare(cur, ref * cur.sum() / ref.sum())
    assertChiSquare(
        new long[] {30, 20, 50},
        new long[] {300, 250, 450},
        1.5555555555555556,
        0.4594258240359268);
    assertChiSquare(
        new long[] {5, 0, 12, 7},
        new long[] {40, 10, 90, 60},
        1.3472222222222219,
        0.7179513907680272);
    assertChiSquare(
        new long[] {120, 80, 0, 300},
        new long[] {1000, 700, 100, 2200},
        15.615584415584417,
        0.0013594649487031494);
    assertChiSquare(new long[] {50, 50}, new long[] {50, 50}, 0.0, 1.0);
  }

  private static void assertChiSquare(
      long[] current, long[] reference, double statistic, double pValue) {
    TestResult result = Binned.chiSquare(current, reference);
    assertThat(result.statistic()).isCloseTo(statistic, E);
    assertThat(result.pValue()).isCloseTo(pValue, E);
  }

  @Test
  void binsEmptyInBothAreDroppedAndAnUnexpectedValueIsInfinitelyUnlikely() {
    // The bin empty in both drops: the same as without it (df = 2, not 3).
    assertChiSquare(
        new long[] {30, 0, 20, 50},
        new long[] {300, 0, 250, 450},
        1.5555555555555556,
        0.4594258240359268);
    // stats.chisquare([13, 7, 2], [2600, 1400, 0] * 22 / 4000): statistic inf, p-value 0.0
    TestResult unseen = Binned.chiSquare(new long[] {13, 7, 2}, new long[] {2600, 1400, 0});
    assertThat(unseen.statistic()).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(unseen.pValue()).isZero();
    // A single bin left: no degrees of freedom, no p-value.
    TestResult single = Binned.chiSquare(new long[] {0, 8}, new long[] {0, 120});
    assertThat(single.statistic()).isZero();
    assertThat(single.pValue()).isNaN();
  }

  @Test
  void psiOfCountsIsTheFlooredFormulaAndTheSymmetrisedKullbackLeibler() {
    // r, c = np.maximum(ref / ref.sum(), 1e-4), np.maximum(cur / cur.sum(), 1e-4)
    // np.sum((r - c) * np.log(r / c)) and np.sum(rel_entr(c, r) + rel_entr(r, c))
    assertPsi(
        new long[] {300, 250, 450},
        new long[] {30, 20, 50},
        0.016425203348601796,
        0.01642520334860184);
    assertPsi(
        new long[] {40, 10, 90, 60},
        new long[] {5, 0, 12, 7},
        0.3159519104898832,
        0.31595191048988336);
    assertPsi(
        new long[] {1000, 0, 3000}, new long[] {0, 10, 10}, 6.314340251529004, 6.314340251529005);
    assertThat(Binned.psi(new long[] {2, 4, 6}, new long[] {1, 2, 3})).isZero();
  }

  private static void assertPsi(long[] reference, long[] current, double formula, double relEntr) {
    double psi = Binned.psi(reference, current);
    assertThat(psi).isCloseTo(formula, E).isCloseTo(relEntr, E);
    assertThat(psi).isEqualTo(Psi.psi(Psi.proportions(reference), Psi.proportions(current)));
  }

  @Test
  void invalidCountsAreRefusedWithAReason() {
    assertThatThrownBy(() -> Binned.chiSquare(new long[] {1, 2}, new long[] {1, 2, 3}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("current and reference must give one entry per bin, but have 2 and 3 entries");
    assertThatThrownBy(() -> Binned.chiSquare(new long[] {0, 0}, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("current has no counts: every bin is 0");
    assertThatThrownBy(() -> Binned.psi(new long[] {1, -2}, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reference[1] is negative: -2");
    assertThatThrownBy(() -> Binned.psi(null, new long[] {1, 2}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("reference and current must not be null");
    assertThatThrownBy(() -> Binned.jensenShannonDistance(new long[0], new long[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("p and q must give one entry per bin, but have 0 and 0 entries");
    assertThatThrownBy(
            () -> Binned.jensenShannonDistance(new double[] {0.5, Double.NaN}, new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("p[1] is NaN; weights must be finite and not negative");
    assertThatThrownBy(() -> Binned.jensenShannonDistance(new double[] {0, 0}, new double[] {1, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("p has no weight: every bin is 0");
  }
}
