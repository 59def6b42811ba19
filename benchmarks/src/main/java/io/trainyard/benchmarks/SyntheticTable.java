package io.trainyard.benchmarks;

import io.trainyard.models.training.TrainingData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The synthetic table of the training benchmarks (and of {@code benchmarks/pytorch_mlp.py} and
 * {@code benchmarks/xgboost_train.py}): rows of N standard-normal features {@code x0..x(N-1)}, the
 * label 1 when {@code Σ (j mod 3 − 1)·x_j} plus standard-normal noise is positive, the first 80 %
 * of the rows for training and the rest for validation.
 */
final class SyntheticTable {
  private SyntheticTable() {}

  /** The whole table, split 80/20. */
  static TrainingData linear(int rows, int width, long seed) {
    double[][] x = new double[rows][];
    int[] y = new int[rows];
    fill(x, y, width, seed);
    return split(names(width), x, y);
  }

  /** {@code x0..x(width-1)}. */
  static List<String> names(int width) {
    List<String> names = new ArrayList<>();
    for (int j = 0; j < width; j++) {
      names.add("x" + j);
    }
    return names;
  }

  /** Draws every row of {@code x} (of {@code width} features) and its label into {@code y}. */
  static void fill(double[][] x, int[] y, int width, long seed) {
    Random random = new Random(seed);
    for (int i = 0; i < x.length; i++) {
      double[] row = new double[width];
      double z = 0;
      for (int j = 0; j < width; j++) {
        row[j] = random.nextGaussian();
        z += (j % 3 - 1) * row[j];
      }
      x[i] = row;
      y[i] = z + random.nextGaussian() > 0 ? 1 : 0;
    }
  }

  /** The first 80 % of the rows (rounded) for training, the rest for validation. */
  static TrainingData split(List<String> names, double[][] x, int[] y) {
    int train = (int) Math.round(x.length * 0.8);
    return new TrainingData(
        names,
        Arrays.copyOfRange(x, 0, train),
        Arrays.copyOfRange(y, 0, train),
        Arrays.copyOfRange(x, train, x.length),
        Arrays.copyOfRange(y, train, y.length));
  }
}
