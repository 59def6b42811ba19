package io.trainyard.platform.specs;

import io.trainyard.eventing.PoisonEventException;

/**
 * No spec of the pipeline was ever applied: this service read {@code trainyard.pipelines} to the
 * end it had when asked and did not find it. An event naming it is dead-lettered; an HTTP request
 * answers 404.
 */
public class UnknownPipelineException extends PoisonEventException {

  private final String pipeline;

  public UnknownPipelineException(String pipeline, String service) {
    super(
        "no spec of pipeline '"
            + pipeline
            + "' is known to "
            + service
            + ": apply it first (PUT /api/v1/pipelines/"
            + pipeline
            + ")");
    this.pipeline = pipeline;
  }

  /** The pipeline that has no spec. */
  public String pipeline() {
    return pipeline;
  }
}
