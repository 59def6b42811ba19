package io.trainyard.contracts.events;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * {@code io.trainyard.models.promoted.v1} on {@code trainyard.models.promoted}: an alias now points
 * at a model version (a promotion or a rollback).
 *
 * @param pipeline the pipeline name
 * @param alias champion or challenger
 * @param version the model version the alias now points at
 * @param previous the version it pointed at before; {@code null} (written as JSON null) when none
 * @param reason why
 * @param datasetVersion the dataset version the model was trained on
 * @param trainProfileUri optional: the training split's profile, the drift monitor's reference
 */
public record ModelPromoted(
    String pipeline,
    Alias alias,
    int version,
    @JsonInclude(JsonInclude.Include.ALWAYS) Integer previous,
    String reason,
    int datasetVersion,
    String trainProfileUri)
    implements PipelineEvent {

  public ModelPromoted {
    Copies.required(pipeline, "pipeline");
    Copies.required(alias, "alias");
    Copies.required(reason, "reason");
  }
}
