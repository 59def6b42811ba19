package io.trainyard.drift.monitor;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.ModelPromoted;
import io.trainyard.datasets.DatasetLabels;
import io.trainyard.datasets.DatasetMetadata;
import io.trainyard.datasets.DatasetProfile;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.TransientEventException;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.ObjectStoreException;
import io.trainyard.objectstore.Prefix;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.specs.PipelineCatalog;
import io.trainyard.stats.QuantileSketch;
import io.trainyard.stats.SharedBins;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Builds a pipeline's reference when a model becomes champion, from the train split of the dataset
 * version it was trained on: per feature, the counts on the bins windows share with it (ingestion's
 * histogram edges for a numeric feature, the categories for a categorical one) and, for a numeric
 * feature, its values exactly when the split has at most {@code
 * trainyard.drift.exact-reference-rows} rows, or a quantile sketch of them. The model's output (its
 * predicted class or value, and its score) gets a reference too, from the champion's predictions on
 * the test split as evaluation stored them. The new reference replaces the previous one and every
 * open window of the pipeline starts again, empty.
 */
@ApplicationScoped
public class ReferenceService {

  private static final Logger LOG = Logger.getLogger(ReferenceService.class);

  static final String TRAIN = "train.parquet";
  static final String PREDICTIONS = "predictions.parquet";
  static final String PREDICTION = "prediction";
  static final String SCORE = "score";

  /** Categories kept by a categorical reference; rarer ones share its last bin. */
  static final int MAX_CATEGORIES = DatasetProfile.MAX_CATEGORIES;

  private final PipelineCatalog catalog;
  private final ObjectStore store;
  private final int exactRows;

  public ReferenceService(
      PipelineCatalog catalog,
      ObjectStore store,
      @ConfigProperty(name = "trainyard.drift.exact-reference-rows", defaultValue = "5000")
          int exactRows) {
    this.catalog = catalog;
    this.store = store;
    this.exactRows = exactRows;
  }

  /** Handles one {@code models.promoted} event, in its transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onPromoted(IncomingEvent<ModelPromoted> event) {
    ModelPromoted promoted = event.payload();
    if (promoted.alias() != Alias.CHAMPION) {
      LOG.infof(
          "%s v%d became %s: only the champion is the reference",
          promoted.pipeline(), promoted.version(), promoted.alias());
      return;
    }
    catalog.require(promoted.pipeline());
    Built built = build(promoted.pipeline(), promoted.datasetVersion(), promoted.version());
    if (built.features().isEmpty()) {
      throw new PoisonEventException(
          "dataset v"
              + promoted.datasetVersion()
              + " of '"
              + promoted.pipeline()
              + "' has no feature with a value in its train split: nothing to monitor");
    }

    DriftReference reference =
        DriftReference.of(promoted.pipeline()).orElseGet(DriftReference::new);
    reference.pipeline = promoted.pipeline();
    reference.modelVersion = promoted.version();
    reference.datasetVersion = promoted.datasetVersion();
    reference.trainRows = built.rows();
    reference.featuresJson = Json.write(built.features());
    reference.predictionsJson = Json.write(built.predictions());
    reference.unmonitoredJson = Json.write(built.unmonitored());
    reference.createdAt = Instant.now();
    reference.persist();
    DriftWindow.resetAll(promoted.pipeline());
    LOG.infof(
        "%s: champion v%d (dataset v%d, %d train rows) is the reference; %d features monitored"
            + " (%s), prediction drift on %s%s",
        promoted.pipeline(),
        promoted.version(),
        promoted.datasetVersion(),
        built.rows(),
        built.features().size(),
        built.rows() <= exactRows ? "exact" : "sketched",
        built.predictions().stream().map(ReferenceFeature::feature).toList(),
        built.unmonitored().isEmpty() ? "" : ", not monitored: " + built.unmonitored());
  }

  /** A reference as built from a train split and the champion's test predictions. */
  record Built(
      int rows,
      List<ReferenceFeature> features,
      List<ReferenceFeature> predictions,
      List<String> unmonitored) {}

  Built build(String pipeline, int datasetVersion, int modelVersion) {
    Prefix prefix = Layout.dataset(pipeline, datasetVersion);
    Manifest dataset =
        manifest(prefix).orElseThrow(() -> poison("no dataset manifest at " + prefix));
    DatasetMetadata metadata;
    try {
      metadata = DatasetMetadata.from(dataset.metadata());
    } catch (IllegalArgumentException e) {
      throw new PoisonEventException(prefix + ": " + e.getMessage(), e);
    }
    if (dataset.object(TRAIN).isEmpty()) {
      throw poison("dataset " + prefix + " has no train split");
    }
    Map<String, List<Double>> edges = trainEdges(dataset, prefix);
    List<String> numeric = metadata.numericFeatures();
    List<ReferenceFeature> features = new ArrayList<>();
    List<String> unmonitored = new ArrayList<>();
    int rows;
    try (WorkDir work = WorkDir.create("trainyard-reference-")) {
      Path train = download(dataset, TRAIN, work.path(), prefix);
      try {
        rows = (int) ParquetTables.rowCount(train);
        if (rows == 0) {
          throw poison("the train split of " + prefix + " is empty");
        }
        for (String feature : metadata.features()) {
          ParquetTables.Column column = ParquetTables.readColumn(train, feature);
          Optional<ReferenceFeature> reference =
              numeric.contains(feature)
                  ? numeric(feature, column.numbers(), edges.get(feature), exactRows)
                  : Optional.of(categorical(feature, column.text(), false));
          reference
              .filter(r -> r.rows() > 0)
              .ifPresentOrElse(features::add, () -> unmonitored.add(feature));
        }
      } catch (IOException e) {
        throw new PoisonEventException(
            "cannot read the train split of " + prefix + ": " + e.getMessage(), e);
      }
      return new Built(
          rows, features, predictions(pipeline, modelVersion, work.path()), unmonitored);
    }
  }

  /**
   * The model's output on the test split, as evaluation stored it: the predicted class
   * (categorical) or value (numeric), and a binary model's score. Empty when the champion has no
   * stored predictions.
   */
  private List<ReferenceFeature> predictions(String pipeline, int modelVersion, Path work) {
    Prefix prefix = Layout.evaluation(pipeline, modelVersion);
    Optional<Manifest> evaluation = manifest(prefix);
    if (evaluation.isEmpty() || evaluation.get().object(PREDICTIONS).isEmpty()) {
      LOG.warnf("%s has no stored predictions: no prediction drift for v%d", prefix, modelVersion);
      return List.of();
    }
    Path file = download(evaluation.get(), PREDICTIONS, work, prefix);
    List<ReferenceFeature> out = new ArrayList<>();
    try {
      ParquetTables.Column predicted = ParquetTables.readColumn(file, "predicted");
      (predicted.numeric()
              ? numeric(PREDICTION, predicted.numbers(), null, exactRows)
              : Optional.of(categorical(PREDICTION, predicted.text(), false)))
          .filter(r -> r.rows() > 0)
          .ifPresent(out::add);
      try {
        ParquetTables.Column score = ParquetTables.readColumn(file, SCORE);
        numeric(SCORE, score.numbers(), null, exactRows)
            .filter(r -> r.rows() > 0)
            .ifPresent(out::add);
      } catch (io.trainyard.datasets.InvalidSplitException e) {
        // not a binary classifier: no score column
      }
    } catch (IOException e) {
      LOG.warnf("cannot read the predictions of %s: %s", prefix, e.getMessage());
      return List.of();
    }
    return out;
  }

  /**
   * A numeric column's reference: categorical when it has at most {@value
   * ReferenceFeature#MAX_DISCRETE} distinct values; else its counts on {@code histogramEdges} (or,
   * without them, {@code numpy.histogram}'s 10 equal-width bins) and its values (up to {@code
   * exactRows} of them) or their sketch. Empty when it has no finite value.
   */
  static Optional<ReferenceFeature> numeric(
      String feature, double[] column, List<Double> histogramEdges, int exactRows) {
    double[] values = Arrays.stream(column).filter(Double::isFinite).sorted().toArray();
    if (values.length == 0) {
      return Optional.empty();
    }
    long distinct =
        Arrays.stream(values).distinct().limit(ReferenceFeature.MAX_DISCRETE + 1).count();
    if (distinct <= ReferenceFeature.MAX_DISCRETE) {
      String[] text = new String[values.length];
      for (int i = 0; i < values.length; i++) {
        text[i] = DatasetLabels.canonical(values[i]);
      }
      return Optional.of(categorical(feature, text, true));
    }
    double[] edges =
        histogramEdges != null && histogramEdges.size() >= 2
            ? histogramEdges.stream().mapToDouble(Double::doubleValue).toArray()
            : SharedBins.histogramEdges(values[0], values[values.length - 1]);
    long[] counts = new long[edges.length + 1];
    for (double v : values) {
      counts[SharedBins.bin(edges, v)]++;
    }
    boolean exact = values.length <= exactRows;
    return Optional.of(
        new ReferenceFeature(
            feature,
            ReferenceFeature.NUMERIC,
            true,
            values.length,
            edges,
            null,
            counts,
            exact ? values : null,
            exact ? null : QuantileSketch.of(values, QuantileSketch.DEFAULT_POINTS)));
  }

  /**
   * A categorical column's reference: its categories (at most {@value #MAX_CATEGORIES}, the most
   * frequent; the rest share the last bin with the categories it does not have) and their counts.
   */
  static ReferenceFeature categorical(String feature, String[] column, boolean numeric) {
    Map<String, Long> frequencies = new HashMap<>();
    long rows = 0;
    for (String value : column) {
      if (value != null) {
        frequencies.merge(value, 1L, Long::sum);
        rows++;
      }
    }
    List<Map.Entry<String, Long>> kept =
        frequencies.entrySet().stream()
            .sorted(
                Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                    .thenComparing(Map.Entry.comparingByKey()))
            .limit(MAX_CATEGORIES)
            .toList();
    TreeMap<String, Long> sorted = new TreeMap<>();
    kept.forEach(e -> sorted.put(e.getKey(), e.getValue()));
    long[] counts = new long[sorted.size() + 1];
    int i = 0;
    long inKept = 0;
    for (long c : sorted.values()) {
      counts[i++] = c;
      inKept += c;
    }
    counts[sorted.size()] = rows - inKept;
    return new ReferenceFeature(
        feature,
        ReferenceFeature.CATEGORICAL,
        numeric,
        rows,
        null,
        List.copyOf(sorted.keySet()),
        counts,
        null,
        null);
  }

  /** Ingestion's histogram edges of each numeric column of the train split, by column. */
  private Map<String, List<Double>> trainEdges(Manifest dataset, Prefix prefix) {
    Map<String, List<Double>> edges = new HashMap<>();
    if (dataset.object(DatasetProfile.FILE_NAME).isEmpty()) {
      return edges;
    }
    try {
      DatasetProfile profile =
          DatasetProfile.fromJson(store.readAllBytes(dataset, DatasetProfile.FILE_NAME));
      DatasetProfile.SplitProfile train =
          profile.splits() == null ? null : profile.splits().get("train");
      if (train != null) {
        for (DatasetProfile.ColumnProfile column : train.columns()) {
          if (column.histogram() != null) {
            edges.put(column.name(), column.histogram().edges());
          }
        }
      }
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException("cannot read the profile of " + prefix, e);
    }
    return edges;
  }

  private Optional<Manifest> manifest(Prefix prefix) {
    try {
      return store.manifest(prefix);
    } catch (ObjectStoreException e) {
      throw new TransientEventException("cannot read " + prefix + ": " + e, e);
    }
  }

  private Path download(Manifest manifest, String name, Path dir, Prefix prefix) {
    try {
      return store.download(manifest, name, dir);
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException("cannot download " + name + " of " + prefix, e);
    }
  }

  private static PoisonEventException poison(String message) {
    return new PoisonEventException(message);
  }
}
