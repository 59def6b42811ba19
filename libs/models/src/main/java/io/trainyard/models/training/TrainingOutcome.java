package io.trainyard.models.training;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How a training run ended.
 *
 * @param bestEpoch the epoch whose parameters were kept (lowest validation loss); 0 when cancelled
 *     before the first epoch finished
 * @param epochsRun the epochs that finished
 * @param stopReason {@code reached max epochs}, {@code early stopping: val_loss did not improve by
 *     <minDelta> for <patience> epochs} or {@code cancelled}
 * @param history every finished epoch, in order
 * @param metrics of the best epoch: {@code train_loss}, {@code val_loss}, {@code val_accuracy}
 *     (classification) and the task's further metrics ({@link EpochResult#metrics()}); empty when
 *     no epoch finished
 * @param cancelled whether the run was cancelled (then nothing was saved)
 */
public record TrainingOutcome(
    int bestEpoch,
    int epochsRun,
    String stopReason,
    List<EpochResult> history,
    Map<String, Double> metrics,
    boolean cancelled) {

  /** The stop reason when the maximum number of epochs ran. */
  public static final String REACHED_MAX_EPOCHS = "reached max epochs";

  /** The stop reason of a cancelled run. */
  public static final String CANCELLED = "cancelled";

  public TrainingOutcome {
    Objects.requireNonNull(stopReason, "stopReason");
    history = List.copyOf(history);
    metrics = Map.copyOf(metrics);
  }
}
