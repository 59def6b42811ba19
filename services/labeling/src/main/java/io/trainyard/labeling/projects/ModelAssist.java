package io.trainyard.labeling.projects;

import com.fasterxml.jackson.core.type.TypeReference;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.ModelPromoted;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.DatasetLabels;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.TransientEventException;
import io.trainyard.models.ModelBundle;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.ObjectStoreException;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Model-assisted labeling: when a pipeline has a champion ({@code trainyard.models.promoted}, alias
 * champion), every task of its open dataset projects (gold tasks too: nothing sets them apart) gets
 * the champion's label and confidence, and the tasks are handed out most uncertain first under the
 * spec's {@code labeling.uncertainty} ({@link Uncertainty}). A champion whose inputs the project's
 * rows do not have assists nothing (logged).
 */
@ApplicationScoped
public class ModelAssist {

  private static final Logger LOG = Logger.getLogger(ModelAssist.class);

  private final PipelineCatalog catalog;
  private final ObjectStore store;

  public ModelAssist(PipelineCatalog catalog, ObjectStore store) {
    this.catalog = catalog;
    this.store = store;
  }

  /** Handles one {@code models.promoted}: a new champion re-scores the open projects. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onPromoted(IncomingEvent<ModelPromoted> event) {
    ModelPromoted promoted = event.payload();
    if (promoted.alias() != Alias.CHAMPION) {
      return;
    }
    PipelineChampion champion =
        PipelineChampion.of(promoted.pipeline())
            .orElseGet(
                () -> {
                  PipelineChampion c = new PipelineChampion();
                  c.pipeline = promoted.pipeline();
                  return c;
                });
    champion.version = promoted.version();
    champion.updatedAt = Instant.now();
    champion.persist();
    Optional<PipelineSpec> spec = catalog.find(promoted.pipeline()).map(e -> e.spec());
    if (spec.isEmpty()) {
      return;
    }
    for (LabelProject project : LabelProject.ofPipeline(promoted.pipeline())) {
      if (!project.review() && LabelProject.OPEN.equals(project.status)) {
        assist(project, promoted.version(), spec.get().labeling());
      }
    }
  }

  /** Scores a new project with the pipeline's champion, if it has one. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void assist(LabelProject project, PipelineSpec.Labeling settings) {
    PipelineChampion.of(project.pipeline).ifPresent(c -> assist(project, c.version, settings));
  }

  private void assist(LabelProject project, int version, PipelineSpec.Labeling settings) {
    Manifest model = manifest(Layout.model(project.pipeline, version)).orElse(null);
    if (model == null) {
      LOG.warnf("champion v%d of %s has no model in the store", version, project.pipeline);
      return;
    }
    List<LabelTask> tasks = LabelTask.ofProject(project.id);
    if (tasks.isEmpty()) {
      return;
    }
    try (WorkDir work = WorkDir.create("trainyard-assist-")) {
      Path dir = store.downloadAll(model, work.resolve("model"));
      try (ModelBundle bundle = ModelBundle.load(dir)) {
        if (bundle.task() == Task.REGRESSION) {
          return;
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (LabelTask t : tasks) {
          rows.add(Json.mapper().convertValue(Json.readTree(t.dataJson), new TypeReference<>() {}));
        }
        List<String> missing = new ArrayList<>();
        for (String input : bundle.preprocessing().inputs()) {
          if (!rows.get(0).containsKey(input)) {
            missing.add(input);
          }
        }
        if (!missing.isEmpty()) {
          LOG.warnf(
              "champion v%d of %s reads %s, which project %s's rows lack: no assistance",
              version, project.pipeline, missing, project.id);
          return;
        }
        double[][] p = probabilities(bundle, rows);
        for (int i = 0; i < tasks.size(); i++) {
          LabelTask task = tasks.get(i);
          int best = ModelBundle.argmax(p[i], p[i].length);
          task.modelVersion = version;
          task.modelLabel = bundle.classes().get(best);
          task.modelConfidence = p[i][best];
          task.uncertainty = Uncertainty.of(settings.uncertainty(), p[i]);
        }
        // Most uncertain first; ties keep their order.
        List<LabelTask> order = new ArrayList<>(tasks);
        order.sort(
            Comparator.comparingDouble((LabelTask t) -> -t.uncertainty)
                .thenComparingInt(t -> t.position));
        for (int i = 0; i < order.size(); i++) {
          order.get(i).position = i;
        }
        LOG.infof(
            "project %s: %d tasks scored by champion v%d, most uncertain first (%s)",
            project.id, tasks.size(), version, settings.uncertainty());
      }
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException(
          "cannot score project " + project.id + " with champion v" + version + ": " + e, e);
    }
  }

  /** Each row's class probabilities, in the bundle's class order. */
  private static double[][] probabilities(ModelBundle bundle, List<Map<String, Object>> rows) {
    List<String> numeric = bundle.preprocessing().features();
    List<String> categorical = bundle.preprocessing().categoricalFeatures();
    double[][] x = new double[rows.size()][numeric.size()];
    String[][] text = new String[rows.size()][categorical.size()];
    for (int r = 0; r < rows.size(); r++) {
      Map<String, Object> row = rows.get(r);
      for (int f = 0; f < numeric.size(); f++) {
        Object v = row.get(numeric.get(f));
        x[r][f] = v instanceof Number n ? n.doubleValue() : Double.NaN;
      }
      for (int f = 0; f < categorical.size(); f++) {
        Object v = row.get(categorical.get(f));
        text[r][f] = v == null ? null : DatasetLabels.canonical(v);
      }
    }
    if (bundle.task() == Task.BINARY_CLASSIFICATION) {
      double[] s = bundle.scores(x, text);
      double[][] p = new double[s.length][];
      for (int i = 0; i < s.length; i++) {
        p[i] = new double[] {1 - s[i], s[i]};
      }
      return p;
    }
    return bundle.probabilities(x, text);
  }

  private Optional<Manifest> manifest(io.trainyard.objectstore.Prefix prefix) {
    try {
      return store.manifest(prefix);
    } catch (ObjectStoreException e) {
      throw new TransientEventException("cannot read " + prefix + ": " + e, e);
    }
  }
}
