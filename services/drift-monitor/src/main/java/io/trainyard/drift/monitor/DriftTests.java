package io.trainyard.drift.monitor;

import io.trainyard.contracts.events.DriftDetected.FeatureDrift;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.stats.Binned;
import io.trainyard.stats.KolmogorovSmirnov;
import io.trainyard.stats.MultipleTesting;
import io.trainyard.stats.TestResult;
import io.trainyard.stats.Wasserstein;
import io.trainyard.stats.ZTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The drift test of each monitored column of a window, chosen as Evidently chooses it unless the
 * spec sets one ({@code monitoring.features}), then the window's correction for testing many
 * features.
 *
 * <p>Default test, by the reference's size and the column's kind: up to {@value #SMALL_REFERENCE}
 * reference values, {@code ks} for a numeric column and {@code chisquare} for a categorical one
 * ({@code z} when it has at most two categories); above, {@code wasserstein} (normalised by the
 * reference's standard deviation) for a numeric column and {@code jensenshannon} for a categorical
 * one. Thresholds, unless the spec sets one: 0.05 on the p-value of ks, chisquare and z (below it
 * drifts); 0.1 on the normalised Wasserstein distance, the Jensen-Shannon distance and the PSI (at
 * or above it drifts). PSI is computed for every column, on the shared bins.
 */
final class DriftTests {

  static final String KS = "ks";
  static final String CHISQUARE = "chisquare";
  static final String Z = "z";
  static final String WASSERSTEIN = "wasserstein";
  static final String JENSEN_SHANNON = "jensenshannon";
  static final String PSI = "psi";

  /** A reference with at most this many values gets the small-sample tests. */
  static final int SMALL_REFERENCE = 1000;

  static final Map<String, Double> THRESHOLDS =
      Map.of(KS, 0.05, CHISQUARE, 0.05, Z, 0.05, WASSERSTEIN, 0.1, JENSEN_SHANNON, 0.1, PSI, 0.1);

  private DriftTests() {}

  /**
   * The values of one column in a window.
   *
   * @param numbers a numeric column's values (missing ones left out); null for a categorical one
   * @param categories a categorical column's values as canonical text (missing ones left out); null
   *     for a numeric one
   * @param missing events without a value
   */
  record Sample(double[] numbers, List<String> categories, long missing) {
    int size() {
      return numbers != null ? numbers.length : categories.size();
    }
  }

  /** A column's test before the window's correction. */
  record Tested(
      String feature,
      String test,
      double statistic,
      Double pValue,
      double psi,
      double threshold,
      long missing,
      Long unseen,
      boolean hasValues) {}

  /** The test Evidently would choose for the column. */
  static String defaultTest(ReferenceFeature reference) {
    boolean small = reference.rows() <= SMALL_REFERENCE;
    if (reference.categorical()) {
      if (!small) {
        return JENSEN_SHANNON;
      }
      return reference.categories().size() <= 2 ? Z : CHISQUARE;
    }
    return small ? KS : WASSERSTEIN;
  }

  /**
   * The spec's test of the column when it suits its kind (ks and wasserstein need a numeric column,
   * z a categorical one), else the default.
   */
  static String chosenTest(ReferenceFeature reference, Optional<PipelineSpec.FeatureTest> set) {
    String test = set.map(PipelineSpec.FeatureTest::test).orElse(null);
    if (test == null || !THRESHOLDS.containsKey(test)) {
      return defaultTest(reference);
    }
    boolean numericOnly = KS.equals(test) || WASSERSTEIN.equals(test);
    if (numericOnly && reference.categorical() || Z.equals(test) && !reference.categorical()) {
      return defaultTest(reference);
    }
    return test;
  }

  static boolean usesPValue(String test) {
    return KS.equals(test) || CHISQUARE.equals(test) || Z.equals(test);
  }

  /** Tests one column of a window against its reference. */
  static Tested test(
      ReferenceFeature reference, Sample sample, Optional<PipelineSpec.FeatureTest> set) {
    String test = chosenTest(reference, set);
    double threshold =
        set.filter(s -> test.equals(s.test()) && s.threshold() != null)
            .map(PipelineSpec.FeatureTest::threshold)
            .orElse(THRESHOLDS.get(test));
    long[] current = counts(reference, sample);
    Long unseen = reference.categorical() ? current[current.length - 1] : null;
    if (sample.size() == 0) {
      return new Tested(
          reference.feature(), test, 0, null, 0, threshold, sample.missing(), unseen, false);
    }
    double psi = Binned.psi(reference.counts(), current);
    TestResult result =
        switch (test) {
          case KS ->
              reference.exact()
                  ? KolmogorovSmirnov.twoSample(reference.values(), sample.numbers())
                  : KolmogorovSmirnov.fromSketch(reference.sketch(), sample.numbers());
          case WASSERSTEIN ->
              new TestResult(
                  reference.exact()
                      ? Wasserstein.normalized(reference.values(), sample.numbers())
                      : Wasserstein.normalized(reference.sketch(), sample.numbers()),
                  Double.NaN);
          case CHISQUARE -> Binned.chiSquare(current, reference.counts());
          case Z -> {
            // the share of the reference's first category, in the reference and in the window
            long[] ref = reference.counts();
            yield ZTest.twoProportions(ref[0], reference.rows(), current[0], sample.size());
          }
          case JENSEN_SHANNON ->
              new TestResult(Binned.jensenShannonDistance(reference.counts(), current), Double.NaN);
          case PSI -> new TestResult(psi, Double.NaN);
          default -> throw new IllegalStateException("unknown test " + test);
        };
    double statistic = result.statistic();
    if (Double.isInfinite(statistic)) {
      statistic = Double.MAX_VALUE;
    }
    Double p = usesPValue(test) && !Double.isNaN(result.pValue()) ? result.pValue() : null;
    return new Tested(
        reference.feature(), test, statistic, p, psi, threshold, sample.missing(), unseen, true);
  }

  /** The window's counts on the reference's shared bins. */
  static long[] counts(ReferenceFeature reference, Sample sample) {
    long[] counts = new long[reference.counts().length];
    if (reference.categorical()) {
      for (String category : sample.categories()) {
        counts[reference.bin(category)]++;
      }
    } else {
      for (double value : sample.numbers()) {
        counts[reference.bin(value)]++;
      }
    }
    return counts;
  }

  /**
   * Decides each tested column: a p-value test drifts when its p-value, after {@code correction}
   * over the window's p-value tests ({@code none}, {@code bonferroni} or {@code fdr_bh}), is below
   * its threshold; a distance or PSI when it reaches its threshold. A column without values in the
   * window does not drift.
   */
  static List<FeatureDrift> decide(List<Tested> tested, String correction) {
    List<Integer> withP = new ArrayList<>();
    for (int i = 0; i < tested.size(); i++) {
      if (tested.get(i).pValue() != null) {
        withP.add(i);
      }
    }
    double[] raw = withP.stream().mapToDouble(i -> tested.get(i).pValue()).toArray();
    boolean corrected =
        PipelineSpec.Monitoring.BONFERRONI.equals(correction)
            || PipelineSpec.Monitoring.FDR_BH.equals(correction);
    double[] adjusted =
        PipelineSpec.Monitoring.BONFERRONI.equals(correction)
            ? MultipleTesting.bonferroni(raw)
            : PipelineSpec.Monitoring.FDR_BH.equals(correction)
                ? MultipleTesting.benjaminiHochberg(raw)
                : raw;
    List<FeatureDrift> out = new ArrayList<>();
    for (int i = 0; i < tested.size(); i++) {
      Tested t = tested.get(i);
      int k = withP.indexOf(i);
      Double p = k >= 0 ? adjusted[k] : null;
      boolean drifted =
          t.hasValues()
              && (usesPValue(t.test())
                  ? p != null && p < t.threshold()
                  : t.statistic() >= t.threshold());
      out.add(
          new FeatureDrift(
              t.feature(),
              t.test(),
              t.statistic(),
              t.pValue(),
              t.psi(),
              drifted,
              t.threshold(),
              corrected && p != null ? p : null,
              t.missing(),
              t.unseen()));
    }
    return out;
  }
}
