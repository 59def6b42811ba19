package io.trainyard.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;

/** Samples shared by the drift tests, and a relative-error assertion. */
final class DriftFixtures {

  private DriftFixtures() {}

  /**
   * {@code n} doubles uniform in [0, 1) from a 64-bit LCG (Knuth's MMIX constants, the top 53 bits
   * of the state): exactly the doubles of {@code uniform(seed, n)} in {@code drift_reference.py}.
   */
  static double[] uniform(long seed, int n) {
    long state = seed;
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      state = state * 6364136223846793005L + 1442695040888963407L;
      out[i] = (state >>> 11) * 0x1.0p-53;
    }
    return out;
  }

  static double[] affine(double[] values, double scale, double shift) {
    return Arrays.stream(values).map(v -> v * scale + shift).toArray();
  }

  /** {@code |actual - expected| <= tolerance * |expected|}. */
  static void assertRelative(double actual, double expected, double tolerance) {
    assertThat(Math.abs(actual - expected))
        .as("%s relative to %s", actual, expected)
        .isLessThanOrEqualTo(tolerance * Math.abs(expected));
  }

  /** A current window: its size, its shift in standard deviations, and its values. */
  record Current(int size, double shift, double[] values) {}

  /**
   * A reference distribution for the sketch accuracy tests: the raw values (sorted), their sketch
   * with {@link QuantileSketch#DEFAULT_POINTS} points, and currents of 1,000 and 100,000 values
   * shifted by 0, 0.1 and 0.5 standard deviations (of the normal behind the lognormal, of the
   * Poisson).
   */
  record Reference(
      String name,
      boolean integer,
      double[] sorted,
      QuantileSketch sketch,
      List<Current> currents) {}

  private static List<Reference> references;

  /**
   * Normal and lognormal references of 1,000,000 values, a bimodal one of 100,000, and Poisson(4)
   * ones (integers, ties everywhere) of 100,000 and 1,000,000; each from a seeded {@link Random}.
   */
  static synchronized List<Reference> references() {
    if (references == null) {
      List<Reference> all = new ArrayList<>();
      all.add(reference("normal", false, 1_000_000, 1, (r, s) -> r.nextGaussian() + s));
      all.add(
          reference("lognormal", false, 1_000_000, 2, (r, s) -> Math.exp(r.nextGaussian() + s)));
      all.add(
          reference(
              "bimodal",
              false,
              100_000,
              3,
              (r, s) ->
                  r.nextDouble() < 0.3
                      ? -2 + 0.5 * r.nextGaussian() + 2.45 * s
                      : 3 + r.nextGaussian() + 2.45 * s));
      all.add(reference("poisson", true, 100_000, 4, (r, s) -> poisson(r, 4 + 2 * s)));
      all.add(reference("poisson", true, 1_000_000, 5, (r, s) -> poisson(r, 4 + 2 * s)));
      references = List.copyOf(all);
    }
    return references;
  }

  private static Reference reference(
      String name, boolean integer, int n, long seed, BiFunction<Random, Double, Double> draw) {
    Random random = new Random(seed);
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = draw.apply(random, 0.0);
    }
    QuantileSketch sketch = QuantileSketch.of(values, QuantileSketch.DEFAULT_POINTS);
    Arrays.sort(values);
    List<Current> currents = new ArrayList<>();
    for (int size : new int[] {1_000, 100_000}) {
      for (double shift : new double[] {0, 0.1, 0.5}) {
        double[] current = new double[size];
        for (int i = 0; i < size; i++) {
          current[i] = draw.apply(random, shift);
        }
        currents.add(new Current(size, shift, current));
      }
    }
    return new Reference(name, integer, values, sketch, List.copyOf(currents));
  }

  /** Knuth's Poisson sampler. */
  private static double poisson(Random random, double lambda) {
    double limit = Math.exp(-lambda);
    int k = 0;
    double p = 1;
    do {
      k++;
      p *= random.nextDouble();
    } while (p > limit);
    return k - 1;
  }
}
