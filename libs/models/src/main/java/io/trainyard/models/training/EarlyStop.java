package io.trainyard.models.training;

import io.trainyard.contracts.spec.PipelineSpec;

/**
 * What both trainers share about their settings: early stopping on {@code val_loss} (the run stops
 * when the validation loss has not dropped below the best one by more than {@code minDelta} for
 * {@code patience} epochs or boosting rounds in a row) and the supported class weights.
 */
final class EarlyStop {
  private EarlyStop() {}

  /**
   * @throws IllegalArgumentException for a metric other than {@code val_loss}, or a negative
   *     patience or minimum delta, when early stopping is enabled
   */
  static void check(PipelineSpec.EarlyStopping earlyStopping) {
    if (!earlyStopping.enabled()) {
      return;
    }
    if (!MlpTrainer.VAL_LOSS.equals(earlyStopping.metric())) {
      throw new IllegalArgumentException(
          "unsupported early stopping metric: "
              + earlyStopping.metric()
              + " (supported: "
              + MlpTrainer.VAL_LOSS
              + ")");
    }
    if (earlyStopping.patience() < 0 || !(earlyStopping.minDelta() >= 0)) {
      throw new IllegalArgumentException(
          "early stopping needs patience >= 0 and minDelta >= 0: " + earlyStopping);
    }
  }

  /**
   * @throws IllegalArgumentException for a class weight other than {@code balanced}
   */
  static void checkClassWeight(String classWeight) {
    if (classWeight != null && !"balanced".equals(classWeight)) {
      throw new IllegalArgumentException(
          "unsupported classWeight: " + classWeight + " (supported: balanced)");
    }
  }

  /** Whether a validation loss improves on the best so far (always for the first epoch). */
  static boolean improves(
      PipelineSpec.EarlyStopping earlyStopping, int bestEpoch, double bestLoss, double loss) {
    return bestEpoch == 0
        || (Double.isNaN(bestLoss) && !Double.isNaN(loss))
        || loss < bestLoss - earlyStopping.minDelta();
  }

  /** Whether training stops after {@code sinceBest} epochs without improvement. */
  static boolean stops(PipelineSpec.EarlyStopping earlyStopping, int sinceBest) {
    return earlyStopping.enabled() && sinceBest > 0 && sinceBest >= earlyStopping.patience();
  }

  /** The stop reason, {@code unit} being {@code epochs} or {@code rounds}. */
  static String reason(PipelineSpec.EarlyStopping earlyStopping, String unit) {
    return "early stopping: "
        + MlpTrainer.VAL_LOSS
        + " did not improve by "
        + earlyStopping.minDelta()
        + " for "
        + earlyStopping.patience()
        + " "
        + unit;
  }
}
