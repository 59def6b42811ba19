package io.trainyard.datasets;

/**
 * The fractions of rows that go to the train, validation and test splits. Each is {@code >= 0},
 * {@code train > 0} (except in {@link #ALL_TEST}, a challenge set's), and they sum to 1 within
 * {@code 1e-9}; anything else is rejected with an {@link IllegalArgumentException} so a pipeline
 * spec with a typo fails when it is applied, not halfway through an ingestion.
 */
public record SplitRatios(double train, double validation, double test) {

  /** Tolerance on the sum of the three ratios. */
  public static final double SUM_TOLERANCE = 1e-9;

  /**
   * Every labeled row in the test split: how a challenge set is cut (evaluation reads it, training
   * never does).
   */
  public static final SplitRatios ALL_TEST = new SplitRatios(0, 0, 1);

  public SplitRatios {
    check("train", train);
    check("validation", validation);
    check("test", test);
    if (train <= 0 && test != 1) {
      throw new IllegalArgumentException("split ratio train must be > 0, but is " + train);
    }
    double sum = train + validation + test;
    if (Math.abs(sum - 1.0) > SUM_TOLERANCE) {
      throw new IllegalArgumentException(
          "split ratios must sum to 1, but train "
              + train
              + " + validation "
              + validation
              + " + test "
              + test
              + " = "
              + sum);
    }
  }

  private static void check(String name, double ratio) {
    if (!Double.isFinite(ratio) || ratio < 0) {
      throw new IllegalArgumentException(
          "split ratio " + name + " must be a finite number >= 0, but is " + ratio);
    }
  }
}
