package io.trainyard.models.training;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Generated training tables shared by the trainer tests: features {@code f0..f(n-1)}. */
final class TestTables {
  private TestTables() {}

  /** Features and labels drawn independently: nothing to learn. */
  static TrainingData noise(int train, int val, long seed, int features) {
    Random random = new Random(seed);
    double[][] x = new double[train + val][features];
    int[] y = new int[train + val];
    for (int i = 0; i < x.length; i++) {
      y[i] = random.nextBoolean() ? 1 : 0;
      for (int j = 0; j < features; j++) {
        x[i][j] = random.nextGaussian();
      }
    }
    return split(x, y, train);
  }

  /** The first {@code train} rows for training, the rest for validation. */
  static TrainingData split(double[][] x, int[] y, int train) {
    return new TrainingData(
        features(x[0].length),
        Arrays.copyOfRange(x, 0, train),
        Arrays.copyOfRange(y, 0, train),
        Arrays.copyOfRange(x, train, x.length),
        Arrays.copyOfRange(y, train, y.length));
  }

  /** {@code f0..f(n-1)}. */
  static List<String> features(int n) {
    List<String> features = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      features.add("f" + j);
    }
    return features;
  }
}
