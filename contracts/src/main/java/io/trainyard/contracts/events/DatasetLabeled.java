package io.trainyard.contracts.events;

import java.util.Map;

/**
 * {@code io.trainyard.datasets.labeled.v1} on {@code trainyard.datasets.labeled}, keyed by
 * pipeline: a labeling project's labels became a dataset version. Labeling handed the labeled table
 * to ingestion ({@code datasets.ingest-requested}, {@code trigger: labels}); ingestion allocated
 * the version, and labeling announces it with the agreement that let it through.
 *
 * @param pipeline the pipeline name
 * @param project the labeling project
 * @param parentVersion the dataset version the project labeled
 * @param version the new dataset version
 * @param manifestUri the new version's manifest
 * @param labeled rows the project labeled
 * @param sources the rows of the new version by where their label came from ({@code original},
 *     {@code human}, {@code consensus}, ...); each row says so in its {@code label_source} column
 * @param agreement the label-quality gate's figure and the other agreement figures
 */
public record DatasetLabeled(
    String pipeline,
    String project,
    int parentVersion,
    int version,
    String manifestUri,
    long labeled,
    Map<String, Long> sources,
    Agreement agreement)
    implements PipelineEvent {

  public DatasetLabeled {
    Copies.required(pipeline, "pipeline");
    Copies.required(project, "project");
    Copies.required(manifestUri, "manifestUri");
    sources = Copies.map(Copies.required(sources, "sources"));
    Copies.required(agreement, "agreement");
  }

  /**
   * The agreement over the project's labels.
   *
   * @param metric the gate's metric ({@code labeling.minAgreement.metric})
   * @param value its value; absent when it is not measured (one annotator per item)
   * @param min the gate's minimum
   * @param figures every agreement figure that is defined, by metric name
   */
  public record Agreement(String metric, Double value, double min, Map<String, Double> figures) {
    public Agreement {
      Copies.required(metric, "metric");
      figures = Copies.map(Copies.required(figures, "figures"));
    }
  }
}
