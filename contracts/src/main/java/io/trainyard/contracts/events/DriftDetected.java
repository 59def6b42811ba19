package io.trainyard.contracts.events;

import java.time.Instant;
import java.util.List;

/**
 * {@code io.trainyard.drift.detected.v1} on {@code trainyard.drift.detected}: the drift monitor
 * tested one window of inference events; published for every window, with decision drift or stable.
 *
 * @param pipeline the pipeline name
 * @param modelVersion the model version whose traffic was tested
 * @param window the window
 * @param features one test per feature
 * @param driftShare the share of features that drifted
 * @param threshold optional: the spec's monitoring.driftShare
 * @param decision drift when driftShare reached the threshold, else stable
 */
public record DriftDetected(
    String pipeline,
    int modelVersion,
    Window window,
    List<FeatureDrift> features,
    double driftShare,
    Double threshold,
    DriftDecision decision)
    implements PipelineEvent {

  public DriftDetected {
    Copies.required(pipeline, "pipeline");
    Copies.required(window, "window");
    features = Copies.list(Copies.required(features, "features"));
    Copies.required(decision, "decision");
  }

  /**
   * A tumbling window of inference events.
   *
   * @param index the window's sequence number for the pipeline and model version, from 0
   * @param events inference events in the window
   * @param from observedAt of the first event
   * @param to observedAt of the last event
   */
  public record Window(long index, int events, Instant from, Instant to) {
    public Window {
      Copies.required(from, "from");
      Copies.required(to, "to");
    }
  }

  /**
   * The drift test of one feature.
   *
   * @param feature the feature
   * @param test the test, e.g. ks (numeric), chi2 (categorical)
   * @param statistic the test statistic
   * @param pValue optional: the p-value
   * @param psi optional: population stability index
   * @param drifted whether the feature drifted
   */
  public record FeatureDrift(
      String feature, String test, double statistic, Double pValue, Double psi, boolean drifted) {
    public FeatureDrift {
      Copies.required(feature, "feature");
      Copies.required(test, "test");
    }
  }
}
