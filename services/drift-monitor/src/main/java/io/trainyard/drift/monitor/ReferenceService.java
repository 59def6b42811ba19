package io.trainyard.drift.monitor;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.ModelPromoted;
import io.trainyard.datasets.Column;
import io.trainyard.datasets.DatasetMetadata;
import io.trainyard.datasets.NumericTable;
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
import io.trainyard.stats.Psi;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Builds a pipeline's reference when a model becomes champion: the decile bins and proportions of
 * each numeric feature of the training split of the dataset version the champion was trained on.
 * The reference replaces the previous one and the open window starts again, empty, for the new
 * champion.
 */
@ApplicationScoped
public class ReferenceService {

  private static final Logger LOG = Logger.getLogger(ReferenceService.class);

  static final String TRAIN = "train.parquet";

  private final PipelineCatalog catalog;
  private final ObjectStore store;

  public ReferenceService(PipelineCatalog catalog, ObjectStore store) {
    this.catalog = catalog;
    this.store = store;
  }

  /** Handles one {@code models.promoted} event, in its transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onPromoted(IncomingEvent<ModelPromoted> event) {
    ModelPromoted promoted = event.payload();
    if (promoted.alias() != Alias.CHAMPION) {
      LOG.infof(
          "%s v%d became %s: only the champion is monitored",
          promoted.pipeline(), promoted.version(), promoted.alias());
      return;
    }
    if (catalog.find(promoted.pipeline()).isEmpty()) {
      throw new PoisonEventException(
          "no spec of pipeline '" + promoted.pipeline() + "' is known to drift-monitor");
    }
    Built built = build(promoted.pipeline(), promoted.datasetVersion());
    if (built.features().isEmpty()) {
      throw new PoisonEventException(
          "dataset v"
              + promoted.datasetVersion()
              + " of '"
              + promoted.pipeline()
              + "' has no numeric feature with a value in its train split: nothing to monitor");
    }

    DriftReference reference =
        DriftReference.of(promoted.pipeline()).orElseGet(DriftReference::new);
    reference.pipeline = promoted.pipeline();
    reference.modelVersion = promoted.version();
    reference.datasetVersion = promoted.datasetVersion();
    reference.trainRows = built.rows();
    reference.featuresJson = Json.write(built.features());
    reference.unmonitoredJson = Json.write(built.unmonitored());
    reference.createdAt = Instant.now();
    reference.persist();

    DriftWindow window = DriftWindow.of(promoted.pipeline()).orElseGet(DriftWindow::new);
    window.pipeline = promoted.pipeline();
    window.open(
        promoted.version(),
        DriftWindowResult.nextIndex(promoted.pipeline(), promoted.version()),
        built.features());
    window.persist();
    LOG.infof(
        "%s: champion v%d (dataset v%d, %d train rows) is the reference; %d features monitored%s",
        promoted.pipeline(),
        promoted.version(),
        promoted.datasetVersion(),
        built.rows(),
        built.features().size(),
        built.unmonitored().isEmpty() ? "" : ", not monitored: " + built.unmonitored());
  }

  /** A reference as built from a train split. */
  record Built(int rows, List<ReferenceFeature> features, List<String> unmonitored) {}

  private Built build(String pipeline, int datasetVersion) {
    Prefix prefix = Layout.dataset(pipeline, datasetVersion);
    Manifest dataset;
    try {
      dataset =
          store
              .manifest(prefix)
              .orElseThrow(() -> new PoisonEventException("no dataset manifest at " + prefix));
    } catch (ObjectStoreException e) {
      throw new TransientEventException("cannot read " + prefix + ": " + e, e);
    }
    DatasetMetadata metadata;
    try {
      metadata = DatasetMetadata.from(dataset.metadata());
    } catch (IllegalArgumentException e) {
      throw new PoisonEventException(prefix + ": " + e.getMessage(), e);
    }
    if (dataset.object(TRAIN).isEmpty()) {
      throw new PoisonEventException("dataset " + prefix + " has no train split");
    }
    List<String> numeric = new ArrayList<>();
    List<String> unmonitored = new ArrayList<>();
    Map<String, String> types =
        metadata.schema().stream()
            .collect(Collectors.toMap(Column::name, Column::type, (a, b) -> a));
    for (String feature : metadata.features()) {
      String type = types.get(feature);
      if (type == null || Column.INTEGER.equals(type) || Column.NUMBER.equals(type)) {
        numeric.add(feature);
      } else {
        unmonitored.add(feature);
      }
    }

    try (WorkDir work = WorkDir.create("trainyard-reference-")) {
      Path train;
      try {
        train = store.download(dataset, TRAIN, work.path());
      } catch (IOException | ObjectStoreException e) {
        throw new TransientEventException("cannot download the train split of " + prefix, e);
      }
      NumericTable table;
      try {
        table = ParquetTables.read(train, numeric, metadata.target());
      } catch (IOException e) {
        throw new PoisonEventException(
            "cannot read the train split of " + prefix + ": " + e.getMessage(), e);
      }
      if (table.rows() == 0) {
        throw new PoisonEventException("the train split of " + prefix + " is empty");
      }
      List<ReferenceFeature> features = new ArrayList<>();
      for (int f = 0; f < numeric.size(); f++) {
        double[] values = new double[table.rows()];
        for (int r = 0; r < values.length; r++) {
          values[r] = table.x()[r][f];
        }
        try {
          double[] edges = Psi.decileEdges(values);
          features.add(new ReferenceFeature(numeric.get(f), edges, Psi.proportions(values, edges)));
        } catch (IllegalArgumentException e) {
          LOG.warnf("%s: feature %s is not monitored: %s", prefix, numeric.get(f), e.getMessage());
          unmonitored.add(numeric.get(f));
        }
      }
      return new Built(table.rows(), features, unmonitored);
    }
  }
}
