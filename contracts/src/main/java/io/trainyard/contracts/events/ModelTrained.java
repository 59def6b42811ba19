package io.trainyard.contracts.events;

import java.util.Map;

/**
 * {@code io.trainyard.models.trained.v1} on {@code trainyard.models.trained}: a run produced a
 * model version; one run id yields exactly one.
 *
 * @param runId the run
 * @param pipeline the pipeline name
 * @param modelVersion the model version training allocated
 * @param datasetVersion the dataset version it was trained on
 * @param manifestUri {@code models/{pipeline}/v{n}/manifest.json}
 * @param artifacts optional: artifact URIs by name (parameters, preprocessing, signature)
 * @param metrics training metrics of the kept epoch
 * @param lineage where the model comes from
 */
public record ModelTrained(
    String runId,
    String pipeline,
    int modelVersion,
    int datasetVersion,
    String manifestUri,
    Map<String, String> artifacts,
    Map<String, Double> metrics,
    Lineage lineage)
    implements PipelineEvent {

  public ModelTrained {
    Copies.required(runId, "runId");
    Copies.required(pipeline, "pipeline");
    Copies.required(manifestUri, "manifestUri");
    artifacts = Copies.map(artifacts);
    metrics = Copies.map(Copies.required(metrics, "metrics"));
    Copies.required(lineage, "lineage");
  }

  /**
   * Lineage of a model.
   *
   * @param datasetContentHash contentHash of the dataset version
   * @param specHash optional: content hash of the pipeline spec the run used
   * @param parentModel optional: the model version the run retrained
   * @param trigger optional: the trigger of the training request
   * @param seed optional: the training seed
   * @param epochs optional: epochs actually run
   */
  public record Lineage(
      String datasetContentHash,
      String specHash,
      Integer parentModel,
      Trigger trigger,
      Long seed,
      Integer epochs) {

    public Lineage {
      Copies.required(datasetContentHash, "datasetContentHash");
    }
  }
}
