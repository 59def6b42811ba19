package io.trainyard.contracts.events;

import java.util.Map;

/**
 * {@code io.trainyard.training.progress.v1} on {@code trainyard.training.progress}: one epoch of a
 * run finished. Numbers are finite.
 *
 * @param runId the run
 * @param pipeline the pipeline name
 * @param epoch the epoch that finished, 1-based
 * @param epochs the maximum number of epochs of the run
 * @param trainLoss mean training loss of the epoch
 * @param valLoss optional: validation loss
 * @param metrics optional: validation metrics by name
 * @param learningRate optional: the learning rate at the end of the epoch
 * @param gradientNorm optional: the global L2 gradient norm, averaged over the epoch
 * @param samplesPerSecond optional: throughput
 */
public record TrainingProgress(
    String runId,
    String pipeline,
    int epoch,
    int epochs,
    double trainLoss,
    Double valLoss,
    Map<String, Double> metrics,
    Double learningRate,
    Double gradientNorm,
    Double samplesPerSecond)
    implements PipelineEvent {

  public TrainingProgress {
    Copies.required(runId, "runId");
    Copies.required(pipeline, "pipeline");
    metrics = Copies.map(metrics);
  }
}
