package io.trainyard.platform.specs;

import io.trainyard.eventing.TransientEventException;

/**
 * This service cannot tell yet whether a pipeline's spec exists: its copy of {@code
 * trainyard.pipelines} is still catching up, or the broker did not answer. An event is retried; an
 * HTTP request answers 503.
 */
public class SpecsUnavailableException extends TransientEventException {

  public SpecsUnavailableException(String message) {
    super(message);
  }

  public SpecsUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
