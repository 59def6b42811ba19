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
 * @param etaSeconds optional: estimated seconds until the last epoch ends (the epochs left at the
 *     mean epoch time so far; early stopping may end the run sooner)
 * @param candidate optional: with model selection, the index of the candidate the epoch belongs to
 *     (each candidate counts its epochs from 1)
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
    Double samplesPerSecond,
    Double etaSeconds,
    Integer candidate)
    implements PipelineEvent {

  public TrainingProgress {
    Copies.required(runId, "runId");
    Copies.required(pipeline, "pipeline");
    metrics = Copies.map(metrics);
  }

  /** Progress of a run without model selection. */
  public TrainingProgress(
      String runId,
      String pipeline,
      int epoch,
      int epochs,
      double trainLoss,
      Double valLoss,
      Map<String, Double> metrics,
      Double learningRate,
      Double gradientNorm,
      Double samplesPerSecond,
      Double etaSeconds) {
    this(
        runId,
        pipeline,
        epoch,
        epochs,
        trainLoss,
        valLoss,
        metrics,
        learningRate,
        gradientNorm,
        samplesPerSecond,
        etaSeconds,
        null);
  }

  /** Progress without an estimate of the time left. */
  public TrainingProgress(
      String runId,
      String pipeline,
      int epoch,
      int epochs,
      double trainLoss,
      Double valLoss,
      Map<String, Double> metrics,
      Double learningRate,
      Double gradientNorm,
      Double samplesPerSecond) {
    this(
        runId,
        pipeline,
        epoch,
        epochs,
        trainLoss,
        valLoss,
        metrics,
        learningRate,
        gradientNorm,
        samplesPerSecond,
        null,
        null);
  }
}
