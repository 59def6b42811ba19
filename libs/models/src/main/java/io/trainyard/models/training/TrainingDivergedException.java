package io.trainyard.models.training;

/** The training loss became NaN or infinite: the run cannot go on, and nothing is saved. */
public final class TrainingDivergedException extends RuntimeException {
  public TrainingDivergedException(String message) {
    super(message);
  }
}
