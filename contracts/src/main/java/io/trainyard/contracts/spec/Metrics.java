package io.trainyard.contracts.spec;

import java.util.Set;

/** How metric names in a spec are read. */
public final class Metrics {

  private static final Set<String> LOWER_IS_BETTER =
      Set.of(
          "rmse",
          "mae",
          "mse",
          "brier",
          "brier_score",
          "ece",
          "mape",
          "median_absolute_error",
          "latency_p50_ms",
          "latency_p95_ms",
          "model_size_bytes",
          "demographic_parity_difference",
          "equal_opportunity_difference");

  private Metrics() {}

  /**
   * Whether smaller values of a metric are better: losses (names ending in {@code loss}, e.g.
   * {@code val_loss}, {@code log_loss}) and the error metrics rmse, mae, mse, brier, brier_score,
   * ece, mape, median_absolute_error, the operational latency_p50_ms, latency_p95_ms and
   * model_size_bytes, also with the {@code val_} or {@code train_} prefix of training's metrics
   * ({@code val_rmse}). Every other metric (roc_auc, accuracy, f1, r2, ...) is maximised. Early
   * stopping and the champion gate read direction from here.
   */
  public static boolean lowerIsBetter(String metric) {
    String name = metric;
    for (String prefix : new String[] {"val_", "train_"}) {
      if (name.startsWith(prefix)) {
        name = name.substring(prefix.length());
      }
    }
    return metric.endsWith("loss") || LOWER_IS_BETTER.contains(name);
  }
}
