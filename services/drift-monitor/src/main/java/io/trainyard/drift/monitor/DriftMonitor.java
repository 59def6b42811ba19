package io.trainyard.drift.monitor;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DriftDecision;
import io.trainyard.contracts.events.DriftDetected;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.drift.monitor.DriftWindowResult.FeatureResult;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.platform.specs.PipelineCatalog;
import io.trainyard.stats.Psi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jboss.logging.Logger;

/**
 * Counts each inference event of a pipeline's champion into the open window, per feature and bin of
 * the reference; when the window holds {@code monitoring.window.events} events it is tested (PSI
 * per feature against the reference), stored, published as {@code drift.detected} in the same
 * transaction, and the next window opens.
 */
@ApplicationScoped
public class DriftMonitor {

  private static final Logger LOG = Logger.getLogger(DriftMonitor.class);

  /** The test named in {@code drift.detected}: the population stability index. */
  static final String TEST = "psi";

  private final PipelineCatalog catalog;
  private final Outbox outbox;

  public DriftMonitor(PipelineCatalog catalog, Outbox outbox) {
    this.catalog = catalog;
    this.outbox = outbox;
  }

  /** Handles one {@code inference.observed} event, in its transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onObserved(IncomingEvent<InferenceObserved> event) {
    InferenceObserved observed = event.payload();
    String pipeline = observed.pipeline();
    DriftReference reference =
        DriftReference.of(pipeline)
            .orElseThrow(
                () ->
                    new PoisonEventException(
                        "pipeline '"
                            + pipeline
                            + "' has no drift reference: drift-monitor has seen no champion of it"));
    if (observed.modelVersion() != reference.modelVersion) {
      LOG.debugf(
          "%s: prediction %s of v%d skipped, the champion is v%d",
          pipeline, observed.predictionId(), observed.modelVersion(), reference.modelVersion);
      return;
    }
    List<ReferenceFeature> features = reference.features();
    double[] values = values(observed, features, reference.unmonitored());
    PipelineSpec.Monitoring monitoring =
        catalog
            .find(pipeline)
            .orElseThrow(
                () ->
                    new PoisonEventException(
                        "no spec of pipeline '" + pipeline + "' is known to drift-monitor"))
            .spec()
            .monitoring();

    DriftWindow window =
        DriftWindow.of(pipeline)
            .orElseThrow(
                () -> new IllegalStateException(pipeline + " has a reference but no window"));
    Map<String, FeatureCounts> counts = window.counts();
    for (int f = 0; f < features.size(); f++) {
      ReferenceFeature feature = features.get(f);
      FeatureCounts c = counts.get(feature.feature());
      if (c == null || c.bins().length != feature.bins()) {
        throw new IllegalStateException(
            pipeline + ": the open window does not match the reference for " + feature.feature());
      }
      if (Double.isNaN(values[f])) {
        counts.put(feature.feature(), new FeatureCounts(c.bins(), c.missing() + 1));
      } else {
        c.bins()[Psi.bin(values[f], feature.edges())]++;
      }
    }
    window.counts(counts);
    window.events++;
    Instant at = observed.observedAt();
    window.from = window.from == null || at.isBefore(window.from) ? at : window.from;
    window.to = window.to == null || at.isAfter(window.to) ? at : window.to;

    if (window.events >= monitoring.window().events()) {
      close(window, features, counts, monitoring.driftShare());
      window.open(window.modelVersion, window.windowIndex + 1, features);
    }
  }

  /**
   * The event's value of each tested feature, in the reference's order; {@code NaN} for null.
   *
   * @throws PoisonEventException when a tested feature is absent or not a number, or the event
   *     carries a feature the reference does not know
   */
  static double[] values(
      InferenceObserved observed, List<ReferenceFeature> features, List<String> unmonitored) {
    Map<String, Object> given = observed.features();
    Set<String> known = new HashSet<>(unmonitored);
    List<String> missing = new ArrayList<>();
    double[] values = new double[features.size()];
    for (int f = 0; f < features.size(); f++) {
      String name = features.get(f).feature();
      known.add(name);
      if (!given.containsKey(name)) {
        missing.add(name);
        continue;
      }
      Object value = given.get(name);
      if (value == null) {
        values[f] = Double.NaN;
      } else if (value instanceof Number number) {
        values[f] = number.doubleValue();
      } else {
        throw new PoisonEventException(
            "prediction "
                + observed.predictionId()
                + ": feature '"
                + name
                + "' must be a number (or null), but is "
                + Json.write(value));
      }
    }
    if (!missing.isEmpty()) {
      throw new PoisonEventException(
          "prediction "
              + observed.predictionId()
              + " lacks features the reference has: "
              + missing);
    }
    Set<String> unknown = new TreeSet<>(given.keySet());
    unknown.removeAll(known);
    if (!unknown.isEmpty()) {
      throw new PoisonEventException(
          "prediction "
              + observed.predictionId()
              + " carries features the reference lacks: "
              + unknown);
    }
    return values;
  }

  private void close(
      DriftWindow window,
      List<ReferenceFeature> features,
      Map<String, FeatureCounts> counts,
      double threshold) {
    List<FeatureResult> results = new ArrayList<>();
    List<DriftDetected.FeatureDrift> drifts = new ArrayList<>();
    int drifted = 0;
    for (ReferenceFeature feature : features) {
      double[] current = Psi.proportions(counts.get(feature.feature()).bins());
      double psi = Psi.psi(feature.proportions(), current);
      boolean isDrifted = psi >= Psi.DRIFTED;
      drifted += isDrifted ? 1 : 0;
      results.add(new FeatureResult(feature.feature(), psi, isDrifted));
      drifts.add(
          new DriftDetected.FeatureDrift(feature.feature(), TEST, psi, null, psi, isDrifted));
    }
    double share = (double) drifted / features.size();
    DriftDecision decision = share >= threshold ? DriftDecision.DRIFT : DriftDecision.STABLE;

    DriftWindowResult row = new DriftWindowResult();
    row.pipeline = window.pipeline;
    row.modelVersion = window.modelVersion;
    row.windowIndex = window.windowIndex;
    row.events = window.events;
    row.from = window.from;
    row.to = window.to;
    row.driftShare = share;
    row.threshold = threshold;
    row.decision = decision.wire();
    row.featuresJson = Json.write(results);
    row.closedAt = Instant.now();
    row.persist();
    outbox.publish(
        Topic.DRIFT_DETECTED,
        new DriftDetected(
            window.pipeline,
            window.modelVersion,
            new DriftDetected.Window(window.windowIndex, window.events, window.from, window.to),
            drifts,
            share,
            threshold,
            decision),
        window.pipeline,
        window.modelVersion,
        window.windowIndex);
    Map<String, Double> psi = new LinkedHashMap<>();
    results.forEach(r -> psi.put(r.feature(), Math.round(r.psi() * 1e4) / 1e4));
    LOG.infof(
        "%s v%d window %d (%d events): %s, %d of %d features drifted (share %.2f, threshold %.2f);"
            + " psi %s",
        window.pipeline,
        window.modelVersion,
        window.windowIndex,
        window.events,
        decision,
        drifted,
        features.size(),
        share,
        threshold,
        psi);
  }
}
