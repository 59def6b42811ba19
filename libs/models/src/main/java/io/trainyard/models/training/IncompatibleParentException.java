package io.trainyard.models.training;

/**
 * A warm start's parent model does not fit the training: other inputs, task, classes or layers. The
 * message names the difference.
 */
public final class IncompatibleParentException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  IncompatibleParentException(String message) {
    super(message);
  }
}
