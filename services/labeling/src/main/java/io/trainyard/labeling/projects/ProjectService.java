package io.trainyard.labeling.projects;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.DatasetLabels;
import io.trainyard.datasets.DatasetProfile;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.TransientEventException;
import io.trainyard.labeling.rules.Rules;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.ObjectStoreException;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.specs.PipelineCatalog;
import io.trainyard.stats.LabelingFunctions;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.jboss.logging.Logger;

/**
 * Creates labeling projects: one per dataset version with unlabeled rows (from {@code
 * datasets.ingested}, or through the API), with one task per unlabeled row and gold tasks drawn
 * from the version's labeled train rows.
 */
@ApplicationScoped
public class ProjectService {

  private static final Logger LOG = Logger.getLogger(ProjectService.class);

  /** The most unlabeled rows one project takes. */
  static final int MAX_TASKS = 100_000;

  /**
   * The fewest gold tasks a project with gold has (when the version has that many labeled rows).
   */
  static final int MIN_GOLD = 10;

  /** The train rows read to draw gold tasks from. */
  static final int GOLD_CANDIDATES = 10_000;

  private final PipelineCatalog catalog;
  private final ObjectStore store;
  private final CompletionService completions;
  private final ModelAssist assist;

  public ProjectService(
      PipelineCatalog catalog,
      ObjectStore store,
      CompletionService completions,
      ModelAssist assist) {
    this.catalog = catalog;
    this.store = store;
    this.completions = completions;
    this.assist = assist;
  }

  /**
   * Handles one {@code datasets.ingested}: the answer to a completed project's request is announced
   * on {@code datasets.labeled}; a version with unlabeled rows becomes a project.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onIngested(IncomingEvent<DatasetIngested> event) {
    DatasetIngested ingested = event.payload();
    completions.onIngested(event); // the version a completed project asked for, if it is one
    DatasetIngested.Split unlabeled = ingested.splits().get(DatasetIngested.UNLABELED);
    if (ingested.inChallengeSet() || unlabeled == null || unlabeled.rows() == 0) {
      return;
    }
    PipelineSpec spec = spec(ingested.pipeline());
    if (spec.task() == Task.REGRESSION) {
      LOG.infof(
          "%s v%d has unlabeled rows, but labeling projects are for classification",
          ingested.pipeline(), ingested.version());
      return;
    }
    if (LabelProject.find(LabelProject.idOf(ingested.pipeline(), ingested.version())).isPresent()) {
      return;
    }
    create(spec, ingested.version(), event.id());
  }

  /**
   * Creates the project of a dataset version, in the current transaction.
   *
   * @param eventId the {@code datasets.ingested} event, or null when created through the API
   * @throws PoisonEventException when the version cannot be labeled (no such version, no unlabeled
   *     rows, too many, or no known classes)
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public LabelProject create(PipelineSpec spec, int datasetVersion, String eventId) {
    String pipeline = spec.name();
    Manifest manifest =
        manifest(pipeline, datasetVersion)
            .orElseThrow(
                () ->
                    new PoisonEventException(
                        "pipeline '" + pipeline + "' has no dataset version " + datasetVersion));
    String unlabeledFile = DatasetVersions.fileName(DatasetIngested.UNLABELED);
    if (manifest.object(unlabeledFile).isEmpty()) {
      throw new PoisonEventException(
          "dataset version " + datasetVersion + " of '" + pipeline + "' has no unlabeled rows");
    }
    PipelineSpec.Labeling settings = spec.labeling();
    try (WorkDir work = WorkDir.create("trainyard-labeling-")) {
      DatasetProfile profile =
          DatasetProfile.fromJson(store.readAllBytes(manifest, DatasetProfile.FILE_NAME));
      List<String> classes = classes(spec, profile);
      Path unlabeled = store.download(manifest, unlabeledFile, work.path());
      if (ParquetTables.rowCount(unlabeled) > MAX_TASKS) {
        throw new PoisonEventException(
            "dataset version "
                + datasetVersion
                + " of '"
                + pipeline
                + "' has more than "
                + MAX_TASKS
                + " unlabeled rows, more than one project takes");
      }
      List<Map<String, Object>> rows = ParquetTables.readRows(unlabeled, MAX_TASKS);
      List<Map<String, Object>> gold = gold(manifest, spec, rows.size(), work.path());

      LabelProject project = new LabelProject();
      project.id = LabelProject.idOf(pipeline, datasetVersion);
      project.pipeline = pipeline;
      project.datasetVersion = datasetVersion;
      project.target = spec.target();
      project.classesJson = Json.write(classes);
      project.guidelines = settings.guidelines();
      project.annotatorsPerItem = settings.annotatorsPerItem();
      project.goldRate = settings.goldRate();
      project.rulesJson = Json.write(settings.rules());
      project.budget = settings.budget();
      project.adjudicateBelow = settings.minAgreement().value();
      project.status = LabelProject.OPEN;
      project.createdAt = Instant.now();
      project.eventId = eventId;
      project.persist();

      // Tasks are handed out in a seeded shuffle, gold tasks among them.
      List<Integer> positions = new ArrayList<>();
      for (int i = 0; i < rows.size() + gold.size(); i++) {
        positions.add(i);
      }
      Collections.shuffle(positions, new Random(datasetVersion));
      checkRuleColumns(settings.rules(), rows, pipeline, datasetVersion);
      int next = 0;
      for (Map<String, Object> row : rows) {
        persistTask(project, row, null, positions.get(next++), settings.rules(), classes);
      }
      // Gold tasks get the rules' votes too: nothing tells them apart.
      for (Map<String, Object> row : gold) {
        String label = DatasetLabels.canonical(row.get(spec.target()));
        persistTask(project, row, label, positions.get(next++), settings.rules(), classes);
      }
      LOG.infof(
          "project %s: %d tasks, %d gold, classes %s",
          project.id, rows.size(), gold.size(), classes);
      assist.assist(project, settings);
      return project;
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException(
          "cannot read dataset version " + datasetVersion + " of '" + pipeline + "': " + e, e);
    }
  }

  /** A rule naming a column the rows lack would abstain everywhere: refuse the spec's rules. */
  static void checkRuleColumns(
      List<PipelineSpec.Rule> rules, List<Map<String, Object>> rows, String pipeline, int version) {
    if (rows.isEmpty()) {
      return;
    }
    for (PipelineSpec.Rule rule : rules) {
      for (PipelineSpec.Condition c : rule.when()) {
        if (!rows.get(0).containsKey(c.column())) {
          throw new PoisonEventException(
              "rule '"
                  + rule.name()
                  + "' reads column '"
                  + c.column()
                  + "', which dataset version "
                  + version
                  + " of '"
                  + pipeline
                  + "' does not have; its columns are "
                  + rows.get(0).keySet());
        }
      }
    }
  }

  /**
   * A task of a row (its fields without the row id and the target), with the rules' votes on it and
   * their majority vote when the spec has rules.
   */
  private void persistTask(
      LabelProject project,
      Map<String, Object> row,
      String goldLabel,
      int position,
      List<PipelineSpec.Rule> rules,
      List<String> classes) {
    Map<String, Object> data = new LinkedHashMap<>(row);
    Object rowId = data.remove(CsvSplitter.ROW_ID);
    data.remove(project.target);
    LabelTask task = new LabelTask();
    task.projectId = project.id;
    task.rowId = ((Number) rowId).longValue();
    task.dataJson = Json.write(data);
    task.goldLabel = goldLabel;
    task.position = position;
    vote(task, data, rules, classes);
    task.persist();
  }

  /** Sets the task's rule votes and their majority vote ({@code ruleLabel}); none without rules. */
  static void vote(
      LabelTask task,
      Map<String, Object> data,
      List<PipelineSpec.Rule> rules,
      List<String> classes) {
    if (rules.isEmpty()) {
      task.ruleVotesJson = null;
      task.ruleLabel = null;
      return;
    }
    int[][] votes = Rules.labelMatrix(rules, List.of(data), classes);
    Map<String, String> byRule = new LinkedHashMap<>();
    for (int f = 0; f < rules.size(); f++) {
      if (votes[0][f] != LabelingFunctions.ABSTAIN) {
        byRule.put(rules.get(f).name(), classes.get(votes[0][f]));
      }
    }
    int majority = LabelingFunctions.majorityVote(votes, classes.size())[0];
    task.ruleVotesJson = Json.write(byRule);
    task.ruleLabel = majority == LabelingFunctions.ABSTAIN ? null : classes.get(majority);
  }

  /**
   * Gold tasks: {@code max(}{@value #MIN_GOLD}{@code , goldRate × tasks)} labeled train rows (at
   * most the train split), evenly spaced in row order; none when the gold rate is 0.
   */
  private List<Map<String, Object>> gold(Manifest manifest, PipelineSpec spec, int tasks, Path dir)
      throws IOException {
    double rate = spec.labeling().goldRate();
    String trainFile = DatasetVersions.fileName(DatasetIngested.TRAIN);
    if (rate == 0 || manifest.object(trainFile).isEmpty()) {
      return List.of();
    }
    List<Map<String, Object>> candidates =
        ParquetTables.readRows(store.download(manifest, trainFile, dir), GOLD_CANDIDATES);
    int wanted = Math.min(candidates.size(), Math.max(MIN_GOLD, (int) Math.ceil(rate * tasks)));
    List<Map<String, Object>> gold = new ArrayList<>();
    for (int i = 0; i < wanted; i++) {
      gold.add(candidates.get((int) ((long) i * candidates.size() / wanted)));
    }
    return gold;
  }

  /**
   * The label schema: the target's declared categories ({@code ingestion.columns}), else the
   * categories the version's labeled rows show (its profile); in order.
   */
  static List<String> classes(PipelineSpec spec, DatasetProfile profile) {
    if (spec.ingestion() != null && spec.ingestion().columns() != null) {
      for (PipelineSpec.ColumnSpec column : spec.ingestion().columns()) {
        if (column.name().equals(spec.target())
            && column.categories() != null
            && !column.categories().isEmpty()) {
          return column.categories();
        }
      }
    }
    DatasetProfile.ColumnProfile target = profile.column(spec.target());
    if (target != null) {
      List<String> known = target.knownCategories();
      if (known != null && !known.isEmpty()) {
        return known;
      }
      if (target.top() != null
          && !target.top().isEmpty()
          && target.top().size() == target.distinct()) {
        return target.top().stream().map(DatasetProfile.TopValue::value).sorted().toList();
      }
    }
    throw new PoisonEventException(
        "the classes of '"
            + spec.target()
            + "' are unknown: the version has too few labeled rows to show them; declare them in"
            + " ingestion.columns[].categories");
  }

  private PipelineSpec spec(String pipeline) {
    return catalog.require(pipeline).spec();
  }

  private Optional<Manifest> manifest(String pipeline, int version) {
    try {
      return store.manifest(Layout.dataset(pipeline, version));
    } catch (ObjectStoreException e) {
      throw new TransientEventException("cannot read dataset v" + version + ": " + e, e);
    }
  }
}
