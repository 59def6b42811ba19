package io.trainyard.labeling.projects;

import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.ModelReviewed;
import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.ObjectStoreException;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Human review of a model version: a review project samples the version's test-split predictions
 * (from its evaluation), reviewers mark each right or wrong, or rate it, and when every sampled
 * prediction has its reviews (or ops close it) the figures go out on {@code
 * trainyard.models.reviewed}, which evaluation attaches to the version.
 */
@ApplicationScoped
public class ModelReviews {

  private static final Logger LOG = Logger.getLogger(ModelReviews.class);

  /** The verdicts of a review. */
  static final List<String> VERDICTS = List.of("right", "wrong");

  /** The most predictions one review samples. */
  static final int MAX_SAMPLE = 1000;

  private final ObjectStore store;
  private final Outbox outbox;

  public ModelReviews(ObjectStore store, Outbox outbox) {
    this.store = store;
    this.outbox = outbox;
  }

  /**
   * Creates a review project of {@code sample} predictions of model {@code version}, evenly spaced
   * in row order; its id is {@code {pipeline}-m{version}-review-{n}}.
   *
   * @param target the target column, left out of the rows reviewers see
   * @param ratingMin with {@code ratingMax}, the rating scale; null for verdicts only
   * @throws ProblemException 404 when the version was not evaluated, 400 for a bad sample or scale
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public LabelProject create(
      String pipeline,
      String target,
      int version,
      int sample,
      int reviewersPerPrediction,
      String guidelines,
      Double ratingMin,
      Double ratingMax) {
    if (sample < 1 || sample > MAX_SAMPLE) {
      throw ProblemException.badRequest("sample is 1 to " + MAX_SAMPLE + ", not " + sample);
    }
    if ((ratingMin == null) != (ratingMax == null)
        || (ratingMin != null && !(ratingMin < ratingMax))) {
      throw ProblemException.badRequest("A rating scale is {min, max} with min below max");
    }
    try (WorkDir work = WorkDir.create("trainyard-review-")) {
      Manifest evaluation =
          store
              .manifest(Layout.evaluation(pipeline, version))
              .orElseThrow(
                  () ->
                      ProblemException.notFound(
                          "Model version " + version + " of '" + pipeline + "' is not evaluated"));
      int datasetVersion = evaluation.metadata().path("datasetVersion").asInt();
      List<Map<String, Object>> predictions =
          ParquetTables.readRows(
              store.download(evaluation, "predictions.parquet", work.resolve("p")),
              Integer.MAX_VALUE);
      Manifest dataset =
          store
              .manifest(Layout.dataset(pipeline, datasetVersion))
              .orElseThrow(
                  () ->
                      ProblemException.of(
                          422,
                          "dataset version " + datasetVersion + " of '" + pipeline + "' is gone"));
      Map<Long, Map<String, Object>> rows = new HashMap<>();
      for (Map<String, Object> row :
          ParquetTables.readRows(
              store.download(
                  dataset, DatasetVersions.fileName(DatasetIngested.TEST), work.resolve("d")),
              Integer.MAX_VALUE)) {
        rows.put((Long) row.get(CsvSplitter.ROW_ID), row);
      }
      long reviews = LabelProject.count("pipeline = ?1 and modelVersion = ?2", pipeline, version);
      LabelProject project = new LabelProject();
      project.id = pipeline + "-m" + version + "-review-" + (reviews + 1);
      project.kind = LabelProject.REVIEW;
      project.pipeline = pipeline;
      project.datasetVersion = datasetVersion;
      project.modelVersion = version;
      project.target = target;
      project.classesJson = Json.write(VERDICTS);
      project.guidelines = guidelines == null ? "" : guidelines;
      project.annotatorsPerItem = reviewersPerPrediction;
      project.goldRate = 0;
      project.ratingMin = ratingMin;
      project.ratingMax = ratingMax;
      project.status = LabelProject.OPEN;
      project.createdAt = Instant.now();
      project.persist();
      int n = Math.min(sample, predictions.size());
      for (int i = 0; i < n; i++) {
        Map<String, Object> p = predictions.get((int) ((long) i * predictions.size() / n));
        long rowId = (Long) p.get(CsvSplitter.ROW_ID);
        Map<String, Object> data = new LinkedHashMap<>(rows.getOrDefault(rowId, Map.of()));
        data.remove(CsvSplitter.ROW_ID);
        data.keySet().removeIf(k -> k.equals(target));
        Map<String, Object> prediction = new LinkedHashMap<>(p);
        prediction.remove(CsvSplitter.ROW_ID);
        prediction.remove("actual"); // reviewers judge the prediction, not the recorded label
        LabelTask task = new LabelTask();
        task.projectId = project.id;
        task.rowId = rowId;
        task.dataJson = Json.write(data);
        task.predictionJson = Json.write(prediction);
        task.position = i;
        task.persist();
      }
      LOG.infof("review %s: %d predictions of %s v%d", project.id, n, pipeline, version);
      return project;
    } catch (IOException | ObjectStoreException e) {
      throw ProblemException.of(
          503, "cannot read the evaluation of model version " + version + ": " + e.getMessage());
    }
  }

  /**
   * Closes a review project and publishes its figures: per prediction the majority of its verdicts
   * (a tie counts as neither right nor wrong), the mean of all ratings, the distinct reviewers.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public ModelReviewed complete(LabelProject project) {
    Map<Long, int[]> verdicts = new HashMap<>();
    Set<Long> reviewed = new HashSet<>();
    Set<String> reviewers = new HashSet<>();
    List<Double> ratings = new ArrayList<>();
    for (Annotation a : Annotation.ofProject(project.id)) {
      if (a.skipped) {
        continue;
      }
      reviewed.add(a.taskId);
      reviewers.add(a.annotator);
      if (a.label != null) {
        verdicts.computeIfAbsent(a.taskId, t -> new int[2])[VERDICTS.indexOf(a.label)]++;
      }
      if (a.rating != null) {
        ratings.add(a.rating);
      }
    }
    int right = 0;
    int wrong = 0;
    for (int[] v : verdicts.values()) {
      right += v[0] > v[1] ? 1 : 0;
      wrong += v[1] > v[0] ? 1 : 0;
    }
    long sampled = LabelTask.count("projectId", project.id);
    ModelReviewed event =
        new ModelReviewed(
            project.pipeline,
            project.modelVersion,
            project.id,
            (int) sampled,
            reviewed.size(),
            verdicts.isEmpty() ? null : right,
            verdicts.isEmpty() ? null : wrong,
            ratings.isEmpty()
                ? null
                : new ModelReviewed.Rating(
                    project.ratingMin,
                    project.ratingMax,
                    ratings.stream().mapToDouble(Double::doubleValue).average().orElseThrow(),
                    ratings.size()),
            Math.max(1, reviewers.size()),
            Instant.now());
    outbox.publish(
        Topic.MODELS_REVIEWED, event, project.pipeline, project.modelVersion, project.id);
    project.status = LabelProject.COMPLETED;
    project.closedAt = event.completedAt();
    project.outcome =
        reviewed.size()
            + " of "
            + sampled
            + " predictions reviewed"
            + (verdicts.isEmpty() ? "" : ": " + right + " right, " + wrong + " wrong");
    LOG.infof("review %s completed: %s", project.id, project.outcome);
    return event;
  }
}
