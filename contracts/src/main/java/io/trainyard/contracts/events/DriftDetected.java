package io.trainyard.contracts.events;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 * @param correction optional: how the features' p-values were corrected (none, bonferroni, fdr_bh)
 * @param predictions optional: prediction drift, the tests of the model's output (the predicted
 *     class or value, and the score); they do not count in driftShare
 */
public record DriftDetected(
    String pipeline,
    int modelVersion,
    Window window,
    List<FeatureDrift> features,
    double driftShare,
    Double threshold,
    DriftDecision decision,
    String correction,
    List<FeatureDrift> predictions)
    implements PipelineEvent {

  public DriftDetected {
    Copies.required(pipeline, "pipeline");
    Copies.required(window, "window");
    features = Copies.list(Copies.required(features, "features"));
    Copies.required(decision, "decision");
    predictions = Copies.list(predictions);
  }

  /** A tested window without correction or prediction drift. */
  public DriftDetected(
      String pipeline,
      int modelVersion,
      Window window,
      List<FeatureDrift> features,
      double driftShare,
      Double threshold,
      DriftDecision decision) {
    this(pipeline, modelVersion, window, features, driftShare, threshold, decision, null, null);
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
   * @param threshold optional: the threshold the statistic or p-value was compared with
   * @param adjustedPValue optional: the p-value after the window's correction, which drifted was
   *     decided on
   * @param missing optional: events of the window without a value of the feature
   * @param unseen optional: events of the window whose category the reference does not have
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record FeatureDrift(
      String feature,
      String test,
      double statistic,
      Double pValue,
      Double psi,
      boolean drifted,
      Double threshold,
      Double adjustedPValue,
      Long missing,
      Long unseen) {
    public FeatureDrift {
      Copies.required(feature, "feature");
      Copies.required(test, "test");
    }

    /** A test with its statistic, p-value and PSI only. */
    public FeatureDrift(
        String feature, String test, double statistic, Double pValue, Double psi, boolean drifted) {
      this(feature, test, statistic, pValue, psi, drifted, null, null, null, null);
    }
  }
}
