package io.trainyard.training.runs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The median stopping rule of a hyper-parameter search (Golovin et al., "Google Vizier", KDD 2017,
 * with the best value so far in place of the running average, as Optuna's {@code MedianPruner}
 * does): after epoch e, at least {@code minEpochs}, a trial stops when its best validation loss so
 * far is greater than the median of the best-so-far losses after epoch e of the earlier trials that
 * ran at least e epochs — when there are at least two of them. The median is numpy's (the mean of
 * the two middle values for an even count). NaN losses are ignored.
 *
 * <p>Not thread-safe: one per run.
 */
final class MedianStopping {
  private final int minEpochs;
  private final List<double[]> earlier = new ArrayList<>();

  MedianStopping(int minEpochs) {
    if (minEpochs < 1) {
      throw new IllegalArgumentException("minEpochs must be at least 1: " + minEpochs);
    }
    this.minEpochs = minEpochs;
  }

  /** Whether a trial whose validation losses per epoch so far are {@code losses} stops now. */
  boolean stops(List<Double> losses) {
    int e = losses.size();
    if (e < minEpochs) {
      return false;
    }
    List<Double> peers = new ArrayList<>();
    for (double[] best : earlier) {
      if (best.length >= e && !Double.isNaN(best[e - 1])) {
        peers.add(best[e - 1]);
      }
    }
    if (peers.size() < 2) {
      return false;
    }
    return best(losses) > median(peers);
  }

  /** Records a finished (or stopped) trial's validation losses per epoch. */
  void finished(List<Double> losses) {
    double[] best = new double[losses.size()];
    double so = Double.NaN;
    for (int i = 0; i < best.length; i++) {
      double v = losses.get(i);
      if (!Double.isNaN(v) && (Double.isNaN(so) || v < so)) {
        so = v;
      }
      best[i] = so;
    }
    earlier.add(best);
  }

  /** The lowest loss, NaN ignored (NaN when all are). */
  static double best(List<Double> losses) {
    double best = Double.NaN;
    for (double v : losses) {
      if (!Double.isNaN(v) && (Double.isNaN(best) || v < best)) {
        best = v;
      }
    }
    return best;
  }

  /** numpy's median: the middle value, or the mean of the two middle ones. */
  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
