package io.trainyard.models.training;

import io.trainyard.contracts.spec.PipelineSpec;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/** Trains one model family: {@link MlpTrainer} (mlp, linear) or {@link XgbTrainer} (xgboost). */
public interface ModelTrainer {

  /**
   * The trainer of the spec's model type.
   *
   * @param training the spec's training section, with defaults ({@code spec.withDefaults()})
   * @throws IllegalArgumentException for settings the model type does not support
   */
  static ModelTrainer of(PipelineSpec.Training training) {
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(training.model(), "model: pass spec.withDefaults().training()");
    return PipelineSpec.Model.XGBOOST.equals(training.model().type())
        ? new XgbTrainer(training)
        : new MlpTrainer(training);
  }

  /**
   * Trains on {@code data} for {@code target}, keeps the model of the best epoch (or boosting
   * round) by validation loss and saves it as a bundle into {@code outDir} — unless cancelled, when
   * nothing is written.
   *
   * @param listener told about every finished epoch; an exception it throws aborts the run
   * @param cancelled polled before every mini-batch (or boosting round)
   * @param checkpoints where the training saves its state after every epoch and resumes from, for
   *     the trainers that checkpoint ({@link MlpTrainer}; {@link XgbTrainer} starts over, which is
   *     deterministic)
   */
  TrainingOutcome train(
      TrainingData data,
      Target target,
      Path outDir,
      EpochListener listener,
      BooleanSupplier cancelled,
      CheckpointStore checkpoints);
}
