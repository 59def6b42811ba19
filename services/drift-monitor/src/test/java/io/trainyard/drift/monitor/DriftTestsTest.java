package io.trainyard.drift.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.trainyard.contracts.events.DriftDetected.FeatureDrift;
import io.trainyard.contracts.spec.PipelineSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The per-column tests against SciPy 1.10.1 and statsmodels 0.13.5 on the same data. With {@code r}
 * and {@code c} the arrays below: {@code ks_2samp(r, c)}, {@code wasserstein_distance(r, c) /
 * max(np.std(r), 0.001)}, {@code np.histogram_bin_edges(r, bins=10)} with one more bin below and
 * above for the shared counts, PSI {@code np.sum((rp - cp) * np.log(rp / cp))} on proportions
 * floored at 1e-4, {@code scipy.spatial.distance.jensenshannon(rc, cc)}; for the categories a (50,
 * 20), b (30, 35), c (20, 25): {@code chisquare([20, 35, 25], np.array([50, 30, 20]) * 80 / 100)}
 * and {@code proportions_ztest([50, 20], [100, 80])}; {@code multipletests([0.01, 0.04, 0.03, 0.2],
 * method=...)[1]}.
 */
class DriftTestsTest {

  static final double[] R = {
    10.69, 11.64, 10.66, 7.39, 11.81, 10.89, 8.93, 11.16, 10.73, 10.59, 10.06, 11.09, 8.53, 9.67,
    9.04, 11.2, 10.08, 9.42, 8.44, 9.49, 10.02, 9.45, 12.59, 12.01, 4.58, 6.22, 9.65, 9.16, 10.43,
    10.43, 14.24, 7.78, 9.24, 14.09, 11.29, 11.33, 8.97, 6.7, 10.33, 10.22
  };
  static final double[] C = {
    11.38, 9.95, 10.17, 6.12, 14.6, 13.29, 10.35, 12.55, 11.56, 9.89, 12.96, 10.38, 10.34, 9.42,
    11.91, 10.8, 12.09, 9.79, 11.25, 9.22, 12.68, 11.38, 11.66, 11.82, 8.98
  };

  static ReferenceFeature numeric(int exactRows) {
    return ReferenceService.numeric("x", R, null, exactRows).orElseThrow();
  }

  static DriftTests.Sample sample(double[] values, long missing) {
    return new DriftTests.Sample(values, null, missing);
  }

  static Optional<PipelineSpec.FeatureTest> set(String test) {
    return Optional.of(new PipelineSpec.FeatureTest(test, null));
  }

  @Test
  void numericBinsAreNumpysHistogramWithABinBelowAndAbove() {
    ReferenceFeature reference = numeric(5000);
    assertThat(reference.kind()).isEqualTo(ReferenceFeature.NUMERIC);
    assertThat(reference.edges())
        .containsExactly(
            4.58,
            5.546,
            6.5120000000000005,
            7.478,
            8.443999999999999,
            9.41,
            10.376,
            11.341999999999999,
            12.308,
            13.274,
            14.24);
    assertThat(reference.counts()).containsExactly(0, 1, 1, 2, 2, 6, 10, 12, 3, 1, 2, 0);
    assertThat(DriftTests.counts(reference, sample(C, 0)))
        .containsExactly(0, 0, 1, 0, 0, 2, 7, 3, 7, 3, 1, 1);
    assertThat(reference.exact()).isTrue();
    assertThat(numeric(39).exact()).as("more rows than exactRows: a sketch").isFalse();
  }

  @Test
  void aSmallNumericReferenceGetsKsAsScipy() {
    DriftTests.Tested ks = DriftTests.test(numeric(5000), sample(C, 3), Optional.empty());
    assertThat(ks.test()).isEqualTo(DriftTests.KS);
    assertThat(ks.statistic()).isCloseTo(0.33, within(1e-12));
    assertThat(ks.pValue()).isCloseTo(0.05484628273785974, within(1e-9));
    assertThat(ks.threshold()).isEqualTo(0.05);
    assertThat(ks.missing()).isEqualTo(3);
    assertThat(ks.psi()).isCloseTo(1.6374433064914333, within(1e-9));
    assertThat(DriftTests.decide(List.of(ks), "none").get(0).drifted())
        .as("p 0.055 is not below 0.05")
        .isFalse();
  }

  @Test
  void theSpecChoosesAnotherTestAndThreshold() {
    ReferenceFeature reference = numeric(5000);
    DriftTests.Tested wasserstein =
        DriftTests.test(reference, sample(C, 0), set(DriftTests.WASSERSTEIN));
    assertThat(wasserstein.statistic()).isCloseTo(0.5347428527939454, within(1e-12));
    assertThat(wasserstein.pValue()).isNull();
    DriftTests.Tested js = DriftTests.test(reference, sample(C, 0), set(DriftTests.JENSEN_SHANNON));
    assertThat(js.statistic()).isCloseTo(0.36404846945583635, within(1e-9));
    DriftTests.Tested psi =
        DriftTests.test(
            reference, sample(C, 0), Optional.of(new PipelineSpec.FeatureTest("psi", 2.0)));
    assertThat(psi.statistic()).isCloseTo(1.6374433064914333, within(1e-9));
    assertThat(psi.threshold()).isEqualTo(2.0);
    List<FeatureDrift> decided = DriftTests.decide(List.of(wasserstein, js, psi), "none");
    assertThat(decided).extracting(FeatureDrift::drifted).containsExactly(true, true, false);
    // z needs a categorical column: a numeric one keeps its default
    assertThat(DriftTests.test(reference, sample(C, 0), set(DriftTests.Z)).test())
        .isEqualTo(DriftTests.KS);
  }

  @Test
  void aLargeReferenceGetsWassersteinFromItsSketch() {
    Random random = new Random(7);
    double[] big = new double[20_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = random.nextGaussian() * 2 + 10;
    }
    ReferenceFeature sketched = ReferenceService.numeric("x", big, null, 5000).orElseThrow();
    ReferenceFeature exact = ReferenceService.numeric("x", big, null, 50_000).orElseThrow();
    assertThat(sketched.exact()).isFalse();
    double[] current = new double[2000];
    for (int i = 0; i < current.length; i++) {
      current[i] = random.nextGaussian() * 2 + 10.5;
    }
    DriftTests.Tested fromSketch = DriftTests.test(sketched, sample(current, 0), Optional.empty());
    DriftTests.Tested fromValues = DriftTests.test(exact, sample(current, 0), Optional.empty());
    assertThat(fromSketch.test()).isEqualTo(DriftTests.WASSERSTEIN);
    assertThat(fromSketch.statistic())
        .isCloseTo(fromValues.statistic(), within(0.01 * fromValues.statistic()));
    assertThat(fromSketch.psi()).isEqualTo(fromValues.psi());
  }

  static ReferenceFeature letters() {
    List<String> column = new ArrayList<>();
    column.addAll(Collections.nCopies(50, "a"));
    column.addAll(Collections.nCopies(30, "b"));
    column.addAll(Collections.nCopies(20, "c"));
    column.add(null);
    return ReferenceService.categorical("letter", column.toArray(new String[0]), false);
  }

  static DriftTests.Sample current(int a, int b, int c, int unseen) {
    List<String> values = new ArrayList<>();
    values.addAll(Collections.nCopies(a, "a"));
    values.addAll(Collections.nCopies(b, "b"));
    values.addAll(Collections.nCopies(c, "c"));
    values.addAll(Collections.nCopies(unseen, "zzz"));
    return new DriftTests.Sample(null, values, 0);
  }

  @Test
  void categoriesGetChiSquareOrZAsScipyAndStatsmodels() {
    ReferenceFeature reference = letters();
    assertThat(reference.categories()).containsExactly("a", "b", "c");
    assertThat(reference.counts()).containsExactly(50, 30, 20, 0);
    assertThat(reference.rows()).isEqualTo(100);

    DriftTests.Tested chi = DriftTests.test(reference, current(20, 35, 25, 0), Optional.empty());
    assertThat(chi.test()).isEqualTo(DriftTests.CHISQUARE);
    assertThat(chi.statistic()).isCloseTo(20.104166666666668, within(1e-9));
    assertThat(chi.pValue()).isCloseTo(4.3095872403823546e-05, within(1e-15));
    assertThat(chi.unseen()).isZero();

    DriftTests.Tested z = DriftTests.test(reference, current(20, 35, 25, 0), set(DriftTests.Z));
    assertThat(z.statistic()).isCloseTo(3.4188172937891386, within(1e-9));
    assertThat(z.pValue()).isCloseTo(0.0006289394206546039, within(1e-12));

    // a category the reference never had: an infinite chi-square, reported as the largest double
    DriftTests.Tested unseen = DriftTests.test(reference, current(20, 35, 24, 1), Optional.empty());
    assertThat(unseen.unseen()).isEqualTo(1);
    assertThat(unseen.statistic()).isEqualTo(Double.MAX_VALUE);
    assertThat(unseen.pValue()).isZero();
  }

  @Test
  void theCorrectionAdjustsOnlyPValueTests() {
    List<DriftTests.Tested> tested = new ArrayList<>();
    double[] p = {0.01, 0.04, 0.03, 0.2};
    for (int i = 0; i < p.length; i++) {
      tested.add(new DriftTests.Tested("f" + i, "ks", 0.1, p[i], 0, 0.05, 0, null, true));
    }
    tested.add(new DriftTests.Tested("w", "wasserstein", 0.2, null, 0, 0.1, 0, null, true));
    List<FeatureDrift> none = DriftTests.decide(tested, "none");
    assertThat(none)
        .extracting(FeatureDrift::drifted)
        .containsExactly(true, true, true, false, true);
    assertThat(none.get(0).adjustedPValue()).isNull();

    List<FeatureDrift> bonferroni = DriftTests.decide(tested, "bonferroni");
    assertThat(bonferroni)
        .extracting(FeatureDrift::adjustedPValue)
        .containsExactly(0.04, 0.16, 0.12, 0.8, null);
    assertThat(bonferroni)
        .extracting(FeatureDrift::drifted)
        .containsExactly(true, false, false, false, true);

    List<FeatureDrift> bh = DriftTests.decide(tested, "fdr_bh");
    assertThat(bh.get(0).adjustedPValue()).isCloseTo(0.04, within(1e-12));
    assertThat(bh.get(1).adjustedPValue()).isCloseTo(0.05333333333333334, within(1e-12));
    assertThat(bh.get(2).adjustedPValue()).isCloseTo(0.05333333333333334, within(1e-12));
    assertThat(bh.get(3).adjustedPValue()).isCloseTo(0.2, within(1e-12));
    assertThat(bh)
        .extracting(FeatureDrift::drifted)
        .containsExactly(true, false, false, false, true);
  }

  @Test
  void aDiscreteNumericColumnIsTestedAsCategories() {
    double[] flags = new double[200];
    for (int i = 0; i < 60; i++) {
      flags[i] = 1;
    }
    ReferenceFeature reference =
        ReferenceService.numeric("online", flags, null, 5000).orElseThrow();
    assertThat(reference.kind()).isEqualTo(ReferenceFeature.CATEGORICAL);
    assertThat(reference.numeric()).isTrue();
    assertThat(reference.categories()).containsExactly("0", "1");
    assertThat(reference.counts()).containsExactly(140, 60, 0);
    assertThat(DriftTests.defaultTest(reference)).isEqualTo(DriftTests.Z);
  }

  @Test
  void aColumnWithoutValuesInTheWindowDoesNotDrift() {
    DriftTests.Tested empty =
        DriftTests.test(numeric(5000), sample(new double[0], 25), Optional.empty());
    assertThat(empty.hasValues()).isFalse();
    assertThat(empty.missing()).isEqualTo(25);
    assertThat(DriftTests.decide(List.of(empty), "none").get(0).drifted()).isFalse();
  }
}
