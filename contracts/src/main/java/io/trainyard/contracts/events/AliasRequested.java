package io.trainyard.contracts.events;

/**
 * {@code io.trainyard.models.alias-requested.v1} on {@code trainyard.models.alias-requested}, keyed
 * by pipeline: ops asked (through the console) to point an alias at a model version, e.g. a
 * rollback. The evaluation service moves the alias if the version was evaluated and publishes
 * {@code trainyard.models.promoted}; a version it never evaluated goes to the dead-letter topic.
 *
 * @param pipeline the pipeline name
 * @param alias champion or challenger
 * @param version the model version the alias should point at
 * @param reason why, for the record (carried into the promotion and the alias history)
 * @param requestedBy optional: who asked (the caller's principal)
 */
public record AliasRequested(
    String pipeline, Alias alias, int version, String reason, String requestedBy)
    implements PipelineEvent {

  public AliasRequested {
    Copies.required(pipeline, "pipeline");
    Copies.required(alias, "alias");
    Copies.required(reason, "reason");
  }
}
