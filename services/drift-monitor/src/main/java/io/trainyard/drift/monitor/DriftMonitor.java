package io.trainyard.drift.monitor;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DriftDecision;
import io.trainyard.contracts.events.DriftDetected;
import io.trainyard.contracts.events.DriftDetected.FeatureDrift;
import io.trainyard.contracts.events.InferenceObserved;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.datasets.DatasetLabels;
import io.trainyard.eventing.OutboxEvent;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Adds each inference event to the open window of its model version: its value of each reference
 * column (the features, then the prediction and score). When the window holds {@code
 * monitoring.window.events} events it is tested ({@link DriftTests}), stored, published as {@code
 * drift.detected} in the same transaction (the first event of a chain: a retrain it causes carries
 * its correlation id), handed to the {@link RetrainPolicy}, and the next window opens.
 */
@ApplicationScoped
public class DriftMonitor {

  private static final Logger LOG = Logger.getLogger(DriftMonitor.class);

  private final PipelineCatalog catalog;
  private final Outbox outbox;
  private final RetrainPolicy retrain;
  private final DriftAlerts alerts;
  private final Map<String, Cached> references = new ConcurrentHashMap<>();

  public DriftMonitor(
      PipelineCatalog catalog, Outbox outbox, RetrainPolicy retrain, DriftAlerts alerts) {
    this.catalog = catalog;
    this.outbox = outbox;
    this.retrain = retrain;
    this.alerts = alerts;
  }

  /** A parsed reference, valid while its row's {@code created_at} is unchanged. */
  record Cached(
      Instant createdAt,
      int modelVersion,
      List<ReferenceFeature> features,
      List<ReferenceFeature> predictions,
      List<String> unmonitored) {}

  /**
   * Adds one {@code inference.observed} event to its window, in the batch's transaction ({@link
   * InferenceBatches}).
   *
   * @throws PoisonEventException before writing anything, when the event cannot be added (the
   *     batch's transaction goes on)
   */
  @Transactional(
      value = Transactional.TxType.MANDATORY,
      dontRollbackOn = PoisonEventException.class)
  public void onObserved(InferenceObserved observed) {
    String pipeline = observed.pipeline();
    Cached reference =
        reference(pipeline)
            .orElseThrow(
                () ->
                    new PoisonEventException(
                        "pipeline '"
                            + pipeline
                            + "' has no drift reference: drift-monitor has seen no champion of it"));
    List<Object> values = values(observed, reference);
    PipelineSpec.Monitoring monitoring = catalog.require(pipeline).spec().monitoring();

    DriftWindow window = DriftWindow.openFor(pipeline, observed.modelVersion());
    DriftWindowValue row = new DriftWindowValue();
    row.pipeline = pipeline;
    row.modelVersion = observed.modelVersion();
    row.valuesJson = Json.write(values);
    row.persist();
    window.events++;
    Instant at = observed.observedAt();
    window.from = window.from == null || at.isBefore(window.from) ? at : window.from;
    window.to = window.to == null || at.isAfter(window.to) ? at : window.to;

    if (window.events >= monitoring.window().events()) {
      close(window, reference, monitoring);
      window.open(window.windowIndex + 1);
    }
  }

  /** The pipeline's reference, parsed once per promotion. */
  Optional<Cached> reference(String pipeline) {
    Optional<Instant> created =
        DriftReference.find(
                "select r.createdAt from DriftReference r where r.pipeline = ?1", pipeline)
            .project(Instant.class)
            .firstResultOptional();
    if (created.isEmpty()) {
      return Optional.empty();
    }
    Cached cached = references.get(pipeline);
    if (cached != null && cached.createdAt().equals(created.get())) {
      return Optional.of(cached);
    }
    DriftReference row = DriftReference.of(pipeline).orElseThrow();
    Cached fresh =
        new Cached(
            row.createdAt, row.modelVersion, row.features(), row.predictions(), row.unmonitored());
    references.put(pipeline, fresh);
    return Optional.of(fresh);
  }

  /**
   * The event's value of each reference column, in order: a number for a numeric column, canonical
   * text for a categorical one, null where missing.
   *
   * @throws PoisonEventException when a feature is absent, of the wrong type, or unknown to the
   *     reference
   */
  static List<Object> values(InferenceObserved observed, Cached reference) {
    Map<String, Object> given = observed.features();
    Set<String> known = new HashSet<>(reference.unmonitored());
    List<String> missing = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    for (ReferenceFeature feature : reference.features()) {
      String name = feature.feature();
      known.add(name);
      if (!given.containsKey(name)) {
        missing.add(name);
        continue;
      }
      values.add(value(observed, feature, "feature '" + name + "'", given.get(name)));
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
    for (ReferenceFeature output : reference.predictions()) {
      Object given1 =
          ReferenceService.SCORE.equals(output.feature())
              ? observed.score()
              : observed.prediction();
      values.add(value(observed, output, output.feature(), given1));
    }
    return values;
  }

  private static Object value(
      InferenceObserved observed, ReferenceFeature column, String what, Object value) {
    if (value == null) {
      return null;
    }
    if (column.numeric()) {
      if (!(value instanceof Number number)) {
        throw new PoisonEventException(
            "prediction "
                + observed.predictionId()
                + ": "
                + what
                + " must be a number (or null), but is "
                + Json.write(value));
      }
      double d = number.doubleValue();
      return column.categorical() ? DatasetLabels.canonical(d) : (Object) d;
    }
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      throw new PoisonEventException(
          "prediction "
              + observed.predictionId()
              + ": "
              + what
              + " must be a single value (or null), but is "
              + Json.write(value));
    }
    return DatasetLabels.canonical(value);
  }

  /** One column's window values, from the stored rows. */
  static DriftTests.Sample sample(List<List<Object>> rows, int column, ReferenceFeature reference) {
    long missing = 0;
    if (reference.categorical()) {
      List<String> categories = new ArrayList<>(rows.size());
      for (List<Object> row : rows) {
        Object v = row.get(column);
        if (v == null) {
          missing++;
        } else {
          categories.add(v.toString());
        }
      }
      return new DriftTests.Sample(null, categories, missing);
    }
    double[] numbers = new double[rows.size()];
    int n = 0;
    for (List<Object> row : rows) {
      Object v = row.get(column);
      if (v == null) {
        missing++;
      } else {
        numbers[n++] = ((Number) v).doubleValue();
      }
    }
    return new DriftTests.Sample(java.util.Arrays.copyOf(numbers, n), null, missing);
  }

  private void close(DriftWindow window, Cached reference, PipelineSpec.Monitoring monitoring) {
    List<List<Object>> rows = new ArrayList<>();
    for (DriftWindowValue value : DriftWindowValue.of(window.pipeline, window.modelVersion)) {
      rows.add(
          Json.mapper()
              .convertValue(
                  Json.readTree(value.valuesJson),
                  new com.fasterxml.jackson.core.type.TypeReference<List<Object>>() {}));
    }
    List<DriftTests.Tested> features = new ArrayList<>();
    int column = 0;
    for (ReferenceFeature feature : reference.features()) {
      features.add(
          DriftTests.test(
              feature, sample(rows, column++, feature), monitoring.featureTest(feature.feature())));
    }
    List<DriftTests.Tested> outputs = new ArrayList<>();
    for (ReferenceFeature output : reference.predictions()) {
      outputs.add(DriftTests.test(output, sample(rows, column++, output), Optional.empty()));
    }
    List<FeatureDrift> decided = DriftTests.decide(features, monitoring.correction());
    List<FeatureDrift> predictions =
        DriftTests.decide(outputs, PipelineSpec.Monitoring.NO_CORRECTION);
    long tested = features.stream().filter(DriftTests.Tested::hasValues).count();
    long drifted = decided.stream().filter(FeatureDrift::drifted).count();
    double share = tested == 0 ? 0 : (double) drifted / tested;
    double threshold = monitoring.driftShare();
    DriftDecision decision = share >= threshold ? DriftDecision.DRIFT : DriftDecision.STABLE;

    DriftWindowResult result = new DriftWindowResult();
    result.pipeline = window.pipeline;
    result.modelVersion = window.modelVersion;
    result.windowIndex = window.windowIndex;
    result.events = window.events;
    result.from = window.from;
    result.to = window.to;
    result.driftShare = share;
    result.threshold = threshold;
    result.decision = decision.wire();
    result.featuresJson = Json.write(decided);
    result.predictionsJson = Json.write(predictions);
    result.correction = monitoring.correction();
    result.closedAt = Instant.now();
    result.persist();
    DriftDetected detected =
        new DriftDetected(
            window.pipeline,
            window.modelVersion,
            new DriftDetected.Window(window.windowIndex, window.events, window.from, window.to),
            decided,
            share,
            threshold,
            decision,
            monitoring.correction(),
            predictions.isEmpty() ? null : predictions);
    OutboxEvent published =
        outbox.publishRoot(
            Topic.DRIFT_DETECTED,
            detected,
            window.pipeline,
            window.modelVersion,
            window.windowIndex);
    Map<String, String> statistics = new LinkedHashMap<>();
    decided.forEach(
        f ->
            statistics.put(
                f.feature(),
                f.test()
                    + "="
                    + String.format("%.4g", f.pValue() != null ? f.pValue() : f.statistic())
                    + (f.drifted() ? "*" : "")));
    LOG.infof(
        "%s v%d window %d (%d events): %s, %d of %d features drifted (share %.2f, threshold %.2f);"
            + " %s",
        window.pipeline,
        window.modelVersion,
        window.windowIndex,
        window.events,
        decision,
        drifted,
        tested,
        share,
        threshold,
        statistics);
    if (decision == DriftDecision.DRIFT) {
      alerts.raise(detected, result.closedAt);
    }
    if (window.modelVersion == reference.modelVersion()) {
      retrain.onChampionWindow(detected, published.envelope(), monitoring.retrain());
    }
  }
}
