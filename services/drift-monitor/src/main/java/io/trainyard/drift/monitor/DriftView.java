package io.trainyard.drift.monitor;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /api/v1/pipelines/{name}/drift} answers.
 *
 * @param pipeline the pipeline
 * @param modelVersion the champion whose inputs are monitored now; null before the first
 * @param windows the tested windows, oldest first (newest last)
 * @param open the window being filled; null before the first champion
 */
public record DriftView(
    String pipeline, Integer modelVersion, List<WindowView> windows, OpenWindow open) {

  /**
   * The window being filled.
   *
   * @param index the index it will have
   * @param modelVersion the model version whose traffic it counts
   * @param events inference events counted so far
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
   * @param features PSI per feature
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
      List<DriftWindowResult.FeatureResult> features) {

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
          row.features());
    }
  }
}
