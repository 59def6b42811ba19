package io.trainyard.models.training;

/** Told about every finished epoch, in order, on the training thread. */
@FunctionalInterface
public interface EpochListener {
  /**
   * Called once per finished epoch. An exception aborts training (nothing is saved) and propagates
   * out of {@link MlpTrainer#train}.
   */
  void onEpoch(EpochResult result);
}
