package io.trainyard.training.runs;

import io.trainyard.contracts.Json;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the runs API answers for one run.
 *
 * @param runId the run id
 * @param pipeline the pipeline
 * @param datasetVersion the dataset version it trains on
 * @param trigger why it was requested: data, labels, drift, schedule, manual
 * @param reason the request's reason
 * @param state queued, running, succeeded, failed or cancelled
 * @param statusReason why it is in that state (for example why it ended)
 * @param modelVersion the model version it produced (or is producing)
 * @param bestEpoch the epoch whose parameters were kept
 * @param epochsMax the maximum number of epochs
 * @param attempts how often a worker took it (more than 1 after a worker died)
 * @param resumedFromEpoch the epoch whose checkpoint the latest attempt resumed after (null when it
 *     started from the beginning)
 * @param device the device it trains on ({@code cpu()}, {@code gpu(0)}); null before it started
 * @param computeSeconds seconds it has trained, summed over its attempts
 * @param epochs the finished epochs with their losses and metrics, in order
 * @param requestedAt when it was queued
 * @param candidates with model selection, every candidate's figures once the run has succeeded;
 *     else null
 * @param startedAt when a worker first took it
 * @param endedAt when it ended
 */
public record RunView(
    String runId,
    String pipeline,
    int datasetVersion,
    String trigger,
    String reason,
    String state,
    String statusReason,
    Integer modelVersion,
    Integer bestEpoch,
    Integer epochsMax,
    int attempts,
    Integer resumedFromEpoch,
    String device,
    double computeSeconds,
    List<EpochView> epochs,
    List<io.trainyard.contracts.events.ModelTrained.Candidate> candidates,
    Instant requestedAt,
    Instant startedAt,
    Instant endedAt) {

  /**
   * One finished epoch: what {@code GET /api/v1/runs/{id}} lists and what each {@code progress}
   * event of {@code GET /api/v1/runs/{id}/progress} carries.
   *
   * @param epoch the epoch, from 1
   * @param trainLoss the mean training loss
   * @param valLoss the validation loss (null when it was not finite)
   * @param valAccuracy the validation accuracy
   * @param learningRate the learning rate the epoch trained with
   * @param samplesPerSecond the training throughput
   * @param gradientNorm the global L2 norm of the gradients, averaged over the mini-batches
   * @param etaSeconds the estimated seconds until the last epoch ends, as of this epoch (0 at the
   *     last epoch; null for epochs recorded before it was kept)
   * @param metrics the task's further validation metrics by name: {@code val_log_loss}
   *     (multiclass); {@code val_rmse}, {@code val_mae}, {@code val_r2} (regression); empty for
   *     binary
   * @param candidate with model selection, the candidate the epoch belongs to (epochs are then
   *     numbered run-wide); else null
   */
  public record EpochView(
      int epoch,
      double trainLoss,
      Double valLoss,
      Double valAccuracy,
      Double learningRate,
      Double samplesPerSecond,
      Double gradientNorm,
      Double etaSeconds,
      Map<String, Double> metrics,
      Integer candidate) {

    static EpochView of(RunEpoch e) {
      return new EpochView(
          e.epoch,
          e.trainLoss,
          e.valLoss,
          e.valAccuracy,
          e.learningRate,
          e.samplesPerSecond,
          e.gradientNorm,
          e.etaSeconds,
          RunView.metrics(e.metricsJson),
          e.candidate);
    }
  }

  static RunView of(Run run, List<RunEpoch> epochs) {
    return new RunView(
        run.runId,
        run.pipeline,
        run.datasetVersion,
        run.trigger,
        run.reason,
        run.state,
        run.statusReason,
        run.modelVersion,
        run.bestEpoch,
        run.epochsMax,
        run.attempts,
        run.resumedFromEpoch,
        run.device,
        run.computeSeconds,
        epochs.stream().map(EpochView::of).toList(),
        run.candidatesJson == null
            ? null
            : List.of(
                Json.convert(
                    Json.readTree(run.candidatesJson),
                    io.trainyard.contracts.events.ModelTrained.Candidate[].class)),
        run.requestedAt,
        run.startedAt,
        run.endedAt);
  }

  /** The metrics of {@link RunEpoch#metricsJson}, in its order; empty when null. */
  private static Map<String, Double> metrics(String json) {
    if (json == null) {
      return Map.of();
    }
    Map<String, Double> metrics = new java.util.LinkedHashMap<>();
    Json.readTree(json)
        .fields()
        .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
    return metrics;
  }
}
