package io.trainyard.contracts.events;

/** A payload that belongs to one pipeline; its record key is the pipeline name by default. */
public interface PipelineEvent {

  /** The pipeline name. */
  String pipeline();
}
