package io.trainyard.drift.monitor;

import io.trainyard.contracts.events.DriftDetected.FeatureDrift;
import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/pipelines/{name}/drift} answers.
 *
 * @param pipeline the pipeline
 * @param modelVersion the champion whose training data is the reference now; null before the first
 * @param datasetVersion the dataset version of the reference; null before the first champion
 * @param windows the tested windows of every model version, oldest first (newest last)
 * @param open the champion's open window; null before the first champion
 * @param others the open windows of other model versions (a challenger, the previous champion)
 * @param retrain the retrain policy's state; null before the champion's first tested window
 */
public record DriftView(
    String pipeline,
    Integer modelVersion,
    Integer datasetVersion,
    List<WindowView> windows,
    OpenWindow open,
    List<OpenWindow> others,
    RetrainView retrain) {

  /**
   * A window being filled.
   *
   * @param index the index it will have
   * @param modelVersion the model version whose traffic it holds
   * @param events inference events in it so far
   * @param size the events it holds when full (the spec's monitoring.window.events), if the spec is
   *     known
   */
  public record OpenWindow(int index, int modelVersion, int events, Integer size) {}

  /**
   * A tested window.
   *
   * @param index its number for the pipeline and model version, from 0 (as in drift.detected)
   * @param modelVersion the model version whose traffic it held
   * @param events inference events in it
   * @param decision drift or stable
   * @param from the earliest observedAt in it
   * @param to the latest observedAt in it
   * @param driftShare the share of features that drifted
   * @param threshold the spec's monitoring.driftShare it was compared with
   * @param correction how the p-values were corrected
   * @param features the test of each feature
   * @param predictions the tests of the model's output (prediction drift)
   * @param closedAt when it was tested
   */
  public record WindowView(
      int index,
      int modelVersion,
      int events,
      String decision,
      Instant from,
      Instant to,
      double driftShare,
      double threshold,
      String correction,
      List<FeatureDrift> features,
      List<FeatureDrift> predictions,
      Instant closedAt) {

    static WindowView of(DriftWindowResult row) {
      return new WindowView(
          row.windowIndex,
          row.modelVersion,
          row.events,
          row.decision,
          row.from,
          row.to,
          row.driftShare,
          row.threshold,
          row.correction,
          row.features(),
          row.predictions(),
          row.closedAt);
    }
  }

  /**
   * The retrain policy's state.
   *
   * @param consecutive the champion's drifted windows in a row (since the last request)
   * @param afterDriftedWindows how many make a retrain due (the spec's), if the spec is known
   * @param lastRequestedAt when the monitor last requested a retrain
   * @param heldBack why a due retrain was not requested (cooldown, concurrency)
   * @param requests the retrains the monitor requested, oldest first
   */
  public record RetrainView(
      int consecutive,
      Integer afterDriftedWindows,
      Instant lastRequestedAt,
      String heldBack,
      List<Request> requests) {}

  /**
   * A retrain the monitor requested.
   *
   * @param runId the training run; on fresh data, the id of the ingest request (ingestion names the
   *     run)
   * @param freshData whether it asked ingestion for a feedback dataset of the drifted period
   * @param modelVersion the champion it retrains
   * @param datasetVersion the dataset version it trains on
   * @param reason why
   * @param requestedAt when
   * @param status succeeded, failed or cancelled once ended; null before
   * @param modelTrained the model it trained, if any
   */
  public record Request(
      String runId,
      boolean freshData,
      int modelVersion,
      int datasetVersion,
      String reason,
      Instant requestedAt,
      String status,
      Integer modelTrained) {

    static Request of(RetrainRequest row) {
      return new Request(
          row.runId,
          row.freshData,
          row.modelVersion,
          row.datasetVersion,
          row.reason,
          row.requestedAt,
          row.status,
          row.modelTrained);
    }
  }

  /**
   * One feature's test in one window, for its history.
   *
   * @param index the window's index
   * @param modelVersion the model version whose traffic it held
   * @param closedAt when it was tested
   * @param test the feature's test in it
   */
  public record FeatureHistory(int index, int modelVersion, Instant closedAt, FeatureDrift test) {}
}
