package io.trainyard.labeling.projects;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngestRequested;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.DatasetLabeled;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.LabeledTables;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.OutboxEvent;
import io.trainyard.eventing.TransientEventException;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ManifestConflictException;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.ObjectStoreException;
import io.trainyard.objectstore.Prefix;
import io.trainyard.objectstore.StagedWrite;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.problem.ProblemException;
import io.trainyard.platform.specs.PipelineCatalog;
import io.trainyard.stats.Agreement;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * Closes a project: its agreement against the spec's {@code minAgreement} decides. Below it, the
 * project is rejected with the reason and no dataset is made. At or above it, the consensus labels
 * and the parent version's rows become one table ({@link LabeledTables}, each row's source in its
 * {@code label_source} column) under {@code labeling/{pipeline}/{project}/}, handed to ingestion
 * with {@code datasets.ingest-requested} ({@code parentVersion}, {@code trigger: labels}); when
 * ingestion announces the version it made of it, labeling announces it on {@code datasets.labeled}.
 */
@ApplicationScoped
public class CompletionService {

  private static final Logger LOG = Logger.getLogger(CompletionService.class);

  static final String TABLE = "labeled.parquet";

  /** The source of a label one annotator gave (k = 1, or the only answer). */
  static final String HUMAN = "human";

  /** The source of a label several annotators' majority gave. */
  static final String CONSENSUS = "consensus";

  /** The source of a label the spec's rules gave by majority vote, where no annotator did. */
  static final String RULE = "rule";

  /**
   * The source of a label the champion gave with a confidence of at least {@code
   * pseudoLabelThreshold}, where no annotator and no rule did.
   */
  static final String PSEUDO = "pseudo";

  private final PipelineCatalog catalog;
  private final ObjectStore store;
  private final Outbox outbox;
  private final ModelReviews reviews;

  public CompletionService(
      PipelineCatalog catalog, ObjectStore store, Outbox outbox, ModelReviews reviews) {
    this.catalog = catalog;
    this.store = store;
    this.outbox = outbox;
    this.reviews = reviews;
  }

  /**
   * Closes an open project, in the current transaction (see the class); a review project publishes
   * its figures ({@link ModelReviews#complete}).
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public LabelProject complete(LabelProject project) {
    if (!LabelProject.OPEN.equals(project.status)) {
      throw ProblemException.conflict("Project '" + project.id + "' is already " + project.status);
    }
    if (project.review()) {
      reviews.complete(project);
      return project;
    }
    PipelineSpec spec = catalog.require(project.pipeline).spec();
    AgreementReport report = AgreementReport.of(project, spec.labeling().minAgreement());
    project.closedAt = Instant.now();
    project.agreementJson = Json.write(agreement(report));
    if (!report.gate().passed()) {
      project.status = LabelProject.REJECTED;
      project.outcome = "no dataset: " + report.gate().reason();
      LOG.infof("project %s rejected: %s", project.id, project.outcome);
      return project;
    }
    Map<Long, LabeledTables.Label> labels =
        consensus(project, spec.labeling().pseudoLabelThreshold());
    Map<String, Long> sources = new TreeMap<>();
    String objectUri = writeTable(project, labels, sources);
    OutboxEvent request =
        outbox.publish(
            Topic.DATASETS_INGEST_REQUESTED,
            new DatasetIngestRequested(
                project.pipeline,
                objectUri,
                null,
                "parquet",
                project.datasetVersion,
                Trigger.LABELS,
                "labeled by project " + project.id + ": " + report.gate().reason()),
            project.pipeline,
            project.id);
    project.status = LabelProject.COMPLETED;
    project.outcome = report.gate().reason();
    project.requestEventId = request.id();
    project.labeledRows = labels.size();
    project.sourcesJson = Json.write(sources);
    LOG.infof(
        "project %s completed (%s): %d rows labeled, handed to ingestion",
        project.id, report.gate().reason(), labels.size());
    return project;
  }

  /**
   * Handles a {@code datasets.ingested} that answers a completed project's request (its causation
   * id is the request's id): records the version and announces it on {@code datasets.labeled}.
   *
   * @return whether the event answered a project
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public boolean onIngested(IncomingEvent<DatasetIngested> event) {
    String cause = event.envelope() == null ? null : event.envelope().causationId();
    var found = LabelProject.byRequest(cause);
    if (found.isEmpty()) {
      return false;
    }
    LabelProject project = found.get();
    if (project.labeledVersion != null) {
      return true; // announced already
    }
    DatasetIngested ingested = event.payload();
    project.labeledVersion = ingested.version();
    Map<String, Long> sources =
        Json.mapper()
            .convertValue(
                Json.readTree(project.sourcesJson),
                new com.fasterxml.jackson.core.type.TypeReference<>() {});
    outbox.publish(
        Topic.DATASETS_LABELED,
        new DatasetLabeled(
            project.pipeline,
            project.id,
            project.datasetVersion,
            ingested.version(),
            ingested.manifestUri(),
            project.labeledRows,
            sources,
            Json.mapper()
                .convertValue(
                    Json.readTree(project.agreementJson), DatasetLabeled.Agreement.class)),
        project.pipeline,
        project.id);
    LOG.infof("project %s made dataset version %d", project.id, ingested.version());
    return true;
  }

  /** The gate's figure and every defined figure, as {@code datasets.labeled} carries them. */
  static DatasetLabeled.Agreement agreement(AgreementReport report) {
    Map<String, Double> figures = new LinkedHashMap<>();
    put(figures, "krippendorff_alpha", report.krippendorffAlpha());
    put(figures, "fleiss_kappa", report.fleissKappa());
    put(figures, "cohen_kappa", report.cohenKappa());
    put(figures, "gwet_ac1", report.gwetAc1());
    put(figures, "percent_agreement", report.percentAgreement());
    AgreementReport.Gate gate = report.gate();
    return new DatasetLabeled.Agreement(gate.metric(), gate.value(), gate.min(), figures);
  }

  private static void put(Map<String, Double> figures, String name, Double value) {
    if (value != null) {
      figures.put(name, value);
    }
  }

  /**
   * The label of every task to label with at least one label, by row id: the majority vote (a tie
   * to an expert's label, else to the first in the schema); {@code human} when one annotator gave
   * it, {@code consensus} when several voted; a task nobody labeled takes the rules' majority vote
   * when there is one ({@code rule}), else the champion's label when its confidence reaches the
   * pseudo-label threshold ({@code pseudo}).
   */
  static Map<Long, LabeledTables.Label> consensus(
      LabelProject project, Double pseudoLabelThreshold) {
    List<String> classes = project.classes();
    Map<String, Boolean> expert = new HashMap<>();
    for (ProjectAnnotator m : ProjectAnnotator.ofProject(project.id)) {
      expert.put(m.annotator, m.expert);
    }
    Map<Long, List<Annotation>> byTask = new HashMap<>();
    for (Annotation a : Annotation.ofProject(project.id)) {
      if (!a.skipped) {
        byTask.computeIfAbsent(a.taskId, t -> new ArrayList<>()).add(a);
      }
    }
    Map<Long, LabeledTables.Label> labels = new LinkedHashMap<>();
    for (LabelTask task : LabelTask.ofProject(project.id)) {
      List<Annotation> answers = byTask.get(task.id);
      if (task.gold()) {
        continue;
      }
      if (answers == null) {
        if (task.ruleLabel != null) {
          labels.put(task.rowId, new LabeledTables.Label(task.ruleLabel, RULE));
        } else if (pseudoLabelThreshold != null
            && task.modelConfidence != null
            && task.modelConfidence >= pseudoLabelThreshold) {
          labels.put(task.rowId, new LabeledTables.Label(task.modelLabel, PSEUDO));
        }
        continue;
      }
      int[] ratings = new int[answers.size()];
      int preferred = Agreement.MISSING;
      for (int i = 0; i < ratings.length; i++) {
        ratings[i] = classes.indexOf(answers.get(i).label);
        if (preferred == Agreement.MISSING
            && expert.getOrDefault(answers.get(i).annotator, false)) {
          preferred = ratings[i];
        }
      }
      Agreement.Vote vote = Agreement.majority(ratings, classes.size(), preferred);
      labels.put(
          task.rowId,
          new LabeledTables.Label(
              classes.get(vote.label()), answers.size() == 1 ? HUMAN : CONSENSUS));
    }
    return labels;
  }

  /** Writes the labeled table; returns its URI and fills {@code sources}. */
  private String writeTable(
      LabelProject project, Map<Long, LabeledTables.Label> labels, Map<String, Long> sources) {
    Prefix prefix = Layout.labeling(project.pipeline, project.id);
    try (WorkDir work = WorkDir.create("trainyard-labeled-")) {
      Manifest version =
          store
              .manifest(Layout.dataset(project.pipeline, project.datasetVersion))
              .orElseThrow(
                  () ->
                      ProblemException.of(
                          422,
                          "dataset version "
                              + project.datasetVersion
                              + " of '"
                              + project.pipeline
                              + "' is gone"));
      List<Path> labeled = new ArrayList<>();
      for (String split :
          List.of(DatasetIngested.TRAIN, DatasetIngested.VALIDATION, DatasetIngested.TEST)) {
        String file = DatasetVersions.fileName(split);
        if (version.object(file).isPresent()) {
          labeled.add(store.download(version, file, work.resolve(split)));
        }
      }
      Path unlabeled =
          store.download(
              version, DatasetVersions.fileName(DatasetIngested.UNLABELED), work.resolve("u"));
      Path table = work.resolve(TABLE);
      sources.putAll(LabeledTables.write(labeled, unlabeled, project.target, labels, table));
      try (StagedWrite staged = store.stage(prefix)) {
        staged.put(TABLE, table, "application/vnd.apache.parquet");
        staged.commit(
            Map.of(
                "kind", "labeled-table",
                "pipeline", project.pipeline,
                "project", project.id,
                "parentVersion", project.datasetVersion));
      } catch (ManifestConflictException e) {
        if (e.existing() == null) {
          throw new TransientEventException("cannot read " + prefix, e);
        }
        // an earlier attempt of this completion wrote it
      }
      return store.uri(prefix.resolve(TABLE));
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException(
          "cannot write the labeled table of " + project.id + ": " + e, e);
    }
  }
}
