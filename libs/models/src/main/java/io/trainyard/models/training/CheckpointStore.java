package io.trainyard.models.training;

import java.io.IOException;
import java.util.Optional;

/**
 * Where a training keeps its checkpoints: {@link MlpTrainer} saves one after every epoch (before it
 * tells the epoch listener) and resumes from the latest one it finds.
 */
public interface CheckpointStore {

  /** Keeps nothing: a training that starts over every time. */
  CheckpointStore NONE =
      new CheckpointStore() {
        @Override
        public Optional<TrainerCheckpoint> latest() {
          return Optional.empty();
        }

        @Override
        public void save(TrainerCheckpoint checkpoint) {}
      };

  /** The latest checkpoint saved; empty when there is none. */
  Optional<TrainerCheckpoint> latest() throws IOException;

  /** Saves a checkpoint; an exception aborts the training. */
  void save(TrainerCheckpoint checkpoint) throws IOException;
}
