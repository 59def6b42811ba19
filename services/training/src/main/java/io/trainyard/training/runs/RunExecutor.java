package io.trainyard.training.runs;

import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.ModelTrained;
import io.trainyard.contracts.events.RunStatus;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.DatasetLabels;
import io.trainyard.datasets.DatasetMetadata;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.NumericTable;
import io.trainyard.models.Djl;
import io.trainyard.models.ModelBundle;
import io.trainyard.models.ModelConfig;
import io.trainyard.models.training.EpochResult;
import io.trainyard.models.training.MlpTrainer;
import io.trainyard.models.training.ModelTrainer;
import io.trainyard.models.training.SearchTrials;
import io.trainyard.models.training.Target;
import io.trainyard.models.training.TrainingData;
import io.trainyard.models.training.TrainingDivergedException;
import io.trainyard.models.training.TrainingOutcome;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ManifestConflictException;
import io.trainyard.objectstore.ObjectKey;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.Prefix;
import io.trainyard.objectstore.StagedWrite;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Executes one leased run: read the dataset version through its manifest, train, write the model
 * under {@code models/{pipeline}/v{n}/} and announce it. A run that a dead worker left with its
 * model already written is announced from that model's manifest without training again, so one run
 * id yields exactly one model.
 */
@ApplicationScoped
public class RunExecutor {

  /**
   * The manifest-metadata member ingestion sets on a challenge-set version, which training refuses.
   */
  static final String CHALLENGE_SET = "challengeSet";

  private static final Logger LOG = Logger.getLogger(RunExecutor.class);

  /** Thrown from the epoch listener when another worker took the run over. */
  public static final class LeaseLostException extends RuntimeException {
    LeaseLostException(String runId) {
      super("run " + runId + ": the lease was lost to another worker");
    }
  }

  /** What the worker tells a run while it executes. */
  public interface Control {
    /** False once another worker took the run over. */
    boolean leaseHeld();

    /** True once the run's cancellation was requested. */
    boolean cancelRequested();
  }

  /** A run that cannot succeed, with the reason it ends with. */
  static final class RunFailure extends RuntimeException {
    RunFailure(String reason) {
      super(reason);
    }
  }

  private final PipelineCatalog catalog;
  private final ObjectStore store;
  private final RunStore runs;
  private final Duration specWait;
  private final Duration defaultDeadline;
  private final double powerWatts;
  private final String codeVersion;

  public RunExecutor(
      PipelineCatalog catalog,
      ObjectStore store,
      RunStore runs,
      @ConfigProperty(name = "trainyard.training.spec-wait", defaultValue = "120s")
          Duration specWait,
      @ConfigProperty(name = "trainyard.training.deadline", defaultValue = "24h")
          Duration defaultDeadline,
      @ConfigProperty(name = "trainyard.training.threads") Optional<Integer> threads,
      @ConfigProperty(name = "trainyard.training.device", defaultValue = "auto") String device,
      @ConfigProperty(name = "trainyard.training.power-watts", defaultValue = "35")
          double powerWatts,
      @ConfigProperty(name = "quarkus.application.name", defaultValue = "trainyard-training")
          String applicationName,
      @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown")
          String applicationVersion) {
    this.catalog = catalog;
    this.store = store;
    this.runs = runs;
    this.specWait = specWait;
    this.defaultDeadline = defaultDeadline;
    this.powerWatts = powerWatts;
    this.codeVersion = applicationName + " " + applicationVersion;
    // Read once, when the PyTorch engine starts: set before any training.
    threads.ifPresent(
        n -> {
          if (n < 1) {
            throw new IllegalArgumentException(
                "trainyard.training.threads must be at least 1: " + n);
          }
          System.setProperty(Djl.NUM_THREADS, String.valueOf(n));
        });
    // The trainer reads the device setting as a system property (auto, cpu, gpu, gpu:N).
    System.setProperty(MlpTrainer.DEVICE, device);
  }

  /**
   * The device the trainer uses ({@code cpu()}, {@code gpu(0)}: {@code trainyard.training.device});
   * on a CPU, PyTorch's thread count follows.
   */
  static String device() {
    return io.trainyard.models.training.MlpTrainer.device().toString();
  }

  static Integer threads(String device) {
    return device.startsWith("cpu") ? Integer.getInteger(Djl.NUM_THREADS) : null;
  }

  /**
   * Executes {@code run}, which this worker leased; {@code control} tells when the lease is lost or
   * the run's cancellation requested (it then stops before its next mini-batch, saving nothing).
   */
  public void execute(Run run, Control control) {
    try {
      executeOnce(run, control);
    } finally {
      deleteCheckpointsIfEnded(run.runId);
    }
  }

  /**
   * Deletes the checkpoints of a run that has ended (a run given back to the queue or taken over
   * keeps them: it resumes from them). Called after every execution, and by the worker after it
   * records a failure.
   */
  public void deleteCheckpointsIfEnded(String runId) {
    if (runs.isFinished(runId)) {
      RunCheckpoints.deleteAll(store, runId);
    }
  }

  private void executeOnce(Run run, Control control) {
    Optional<String> cancelled = runs.cancelReason(run.runId);
    if (cancelled.isPresent()) {
      runs.end(run, RunStatus.CANCELLED, cancelled.get());
      return;
    }
    Optional<PipelineCatalog.KnownSpec> known = catalog.find(run.pipeline);
    if (known.isEmpty()) {
      if (Duration.between(run.requestedAt, Instant.now()).compareTo(specWait) > 0) {
        runs.end(
            run,
            RunStatus.FAILED,
            "no spec of pipeline '" + run.pipeline + "' reached training within " + specWait);
      } else {
        runs.defer(run.runId, Duration.ofSeconds(2), "waiting for the spec of " + run.pipeline);
      }
      return;
    }
    try {
      train(run, known.get(), control);
    } catch (RunFailure e) {
      runs.end(run, RunStatus.FAILED, e.getMessage());
    } catch (LeaseLostException e) {
      LOG.warn(e.getMessage());
    }
  }

  private void train(Run run, PipelineCatalog.KnownSpec known, Control control) {
    PipelineSpec spec = known.spec();
    if (run.modelVersion != null) {
      Optional<Manifest> written = store.manifest(Layout.model(run.pipeline, run.modelVersion));
      if (written.isPresent() && run.runId.equals(text(written.get().metadata(), "runId"))) {
        LOG.infof(
            "run %s: model v%d is already written; announcing it", run.runId, run.modelVersion);
        announce(run, written.get());
        return;
      }
    }
    Manifest dataset =
        store
            .manifest(Layout.dataset(run.pipeline, run.datasetVersion))
            .orElseThrow(
                () ->
                    new RunFailure(
                        "dataset version "
                            + run.datasetVersion
                            + " of "
                            + run.pipeline
                            + " does not exist"));
    DatasetMetadata meta;
    try {
      meta = DatasetMetadata.from(dataset.metadata());
    } catch (IllegalArgumentException e) {
      throw new RunFailure("dataset v" + run.datasetVersion + ": " + e.getMessage());
    }
    String challengeSet = text(dataset.metadata(), CHALLENGE_SET);
    if (challengeSet != null) {
      throw new RunFailure(
          "dataset v"
              + run.datasetVersion
              + " is a version of the challenge set '"
              + challengeSet
              + "': challenge sets are for evaluation, training never reads them");
    }
    // Numeric features are standardised, the others (string, boolean) one-hot encoded.
    List<String> features = meta.numericFeatures();
    List<String> categorical = meta.categoricalFeatures();
    if (features.isEmpty() && categorical.isEmpty()) {
      throw new RunFailure("dataset v" + run.datasetVersion + " has no feature");
    }
    String target = meta.target();
    try (WorkDir work = WorkDir.create("trainyard-run-")) {
      NumericTable train = read(dataset, DatasetIngested.TRAIN, work);
      NumericTable validation = read(dataset, DatasetIngested.VALIDATION, work);
      if (train.labels().length == 0) {
        throw new RunFailure("the train split is empty: there is nothing to train on");
      }
      if (validation.labels().length == 0) {
        throw new RunFailure("the validation split is empty: early stopping needs it");
      }
      Target learned = target(spec, target, train, validation);
      double[] trainY;
      double[] valY;
      switch (spec.task()) {
        case REGRESSION -> {
          trainY = values(train.labels(), target, DatasetIngested.TRAIN);
          valY = values(validation.labels(), target, DatasetIngested.VALIDATION);
        }
        default -> {
          trainY = asDouble(classIndices(train.labels(), learned.classes()));
          valY = asDouble(classIndices(validation.labels(), learned.classes()));
        }
      }
      TrainingData data =
          new TrainingData(
              features,
              train.x(),
              trainY,
              validation.x(),
              valY,
              categorical,
              train.text(),
              validation.text());
      String device = device();
      runs.recordDevice(run.runId, device);
      LOG.infof("run %s trains on %s (threads %s)", run.runId, device, threads(device));
      long trainingStarted = System.nanoTime();
      long[] lastEpochEnd = {trainingStarted};
      // The deadline counts from the run's first start, across attempts.
      Duration deadline =
          spec.training().deadline() != null ? spec.training().deadline() : defaultDeadline;
      Instant started = run.startedAt != null ? run.startedAt : Instant.now();
      Instant deadlineAt = started.plus(deadline);
      int[] epochsHere = {0};
      // Model selection (each candidate in turn, with the run's settings), a search (each trial
      // in turn), or the one model.
      List<PipelineSpec.Model> candidates = spec.training().candidates();
      PipelineSpec.Search search = spec.training().search();
      if (candidates != null && search != null) {
        throw new RunFailure("training.search does not combine with training.candidates");
      }
      boolean selecting = candidates != null || search != null;
      if (selecting
          && run.parentModel != null
          && Boolean.TRUE.equals(spec.training().warmStart())) {
        throw new RunFailure(
            "training.warmStart does not combine with training."
                + (search != null ? "search" : "candidates")
                + ": a warm start fine-tunes one model");
      }
      List<PipelineSpec.Training> settings = new ArrayList<>();
      List<Map<String, Object>> params = new ArrayList<>();
      if (search != null) {
        try {
          for (SearchTrials.Trial trial : SearchTrials.of(spec.training())) {
            settings.add(trial.training());
            params.add(trial.params());
          }
        } catch (IllegalArgumentException e) {
          throw new RunFailure(e.getMessage());
        }
      } else if (candidates != null) {
        for (PipelineSpec.Model candidate : candidates) {
          settings.add(spec.training().withModel(candidate));
          params.add(null);
        }
      } else {
        settings.add(spec.training());
        params.add(null);
      }
      List<PipelineSpec.Model> models =
          settings.stream().map(PipelineSpec.Training::model).toList();
      String what = search != null ? "trial" : "candidate";
      List<ModelTrainer> trainers = new ArrayList<>();
      for (int i = 0; i < models.size(); i++) {
        try {
          trainers.add(ModelTrainer.of(settings.get(i)));
        } catch (IllegalArgumentException e) {
          throw new RunFailure(
              "training settings"
                  + (selecting ? " of " + what + " " + i : "")
                  + ": "
                  + e.getMessage());
        }
      }
      MedianStopping median =
          search != null && search.medianStopping() ? new MedianStopping(search.minEpochs()) : null;
      // Epochs are numbered run-wide: candidate i's epoch e is i * epochs + e.
      int epochs = spec.training().epochs();
      int totalEpochs = epochs * models.size();
      for (int i = 0; i < models.size(); i++) {
        if (models.get(i).backbone() != null && trainers.get(i) instanceof MlpTrainer network) {
          network.withBackbone(backbone(models.get(i).backbone(), work, i));
        }
      }
      ModelBundle parent = selecting ? null : warmStart(run, spec, work);
      if (parent != null && trainers.get(0) instanceof MlpTrainer network) {
        network.warmStartFrom(parent);
      }
      List<Trial> trials = new ArrayList<>();
      TrainingOutcome cancelled = null;
      int cancelledAt = 0;
      try (ModelBundle closeParent = parent) {
        for (int i = 0; i < models.size(); i++) {
          int offset = i * epochs;
          Integer candidate = selecting ? i : null;
          boolean[] stoppedByMedian = {false};
          List<Double> losses = new ArrayList<>();
          Path dir = Files.createDirectories(work.resolve(selecting ? "candidate-" + i : "model"));
          TrainingOutcome result;
          try {
            result =
                trainers
                    .get(i)
                    .train(
                        data,
                        learned,
                        dir,
                        epoch -> {
                          if (!control.leaseHeld()) {
                            throw new LeaseLostException(run.runId);
                          }
                          epochsHere[0]++;
                          long now = System.nanoTime();
                          double perEpoch = (now - trainingStarted) / 1e9 / epochsHere[0];
                          double seconds = (now - lastEpochEnd[0]) / 1e9;
                          lastEpochEnd[0] = now;
                          EpochResult numbered = renumber(epoch, offset, totalEpochs);
                          runs.recordEpoch(
                              run,
                              numbered,
                              perEpoch * Math.max(0, numbered.epochs() - numbered.epoch()),
                              seconds,
                              candidate);
                          losses.add(epoch.valLoss());
                          if (median != null && median.stops(losses)) {
                            stoppedByMedian[0] = true;
                          }
                        },
                        () ->
                            stoppedByMedian[0]
                                || !control.leaseHeld()
                                || control.cancelRequested()
                                || Instant.now().isAfter(deadlineAt),
                        new RunCheckpoints(
                            store,
                            run.runId,
                            selecting
                                ? Layout.checkpoints(run.runId, i)
                                : Layout.checkpoints(run.runId),
                            checkpoint ->
                                resumed(run, checkpoint, offset, totalEpochs, candidate)));
          } catch (TrainingDivergedException e) {
            if (!selecting) {
              throw new RunFailure(e.getMessage());
            }
            LOG.infof("run %s: %s %d failed: %s", run.runId, what, i, e.getMessage());
            trials.add(new Trial(null, 0, "failed: " + e.getMessage()));
            continue;
          } catch (io.trainyard.models.training.IncompatibleParentException e) {
            throw new RunFailure("model v" + run.parentModel + " as the parent: " + e.getMessage());
          }
          if (median != null) {
            median.finished(losses);
          }
          if (result.cancelled() && stoppedByMedian[0]) {
            LOG.infof(
                "run %s: trial %d stopped by the median rule after epoch %d",
                run.runId, i, result.epochsRun());
            trials.add(
                new Trial(
                    null,
                    result.epochsRun(),
                    "stopped by the median rule after epoch "
                        + result.epochsRun()
                        + ": its best val_loss "
                        + MedianStopping.best(losses)
                        + " was above the median of the earlier trials'"));
            continue;
          }
          if (result.cancelled()) {
            cancelled = result;
            cancelledAt = offset + result.epochsRun() + 1;
            break;
          }
          trials.add(new Trial(result, result.epochsRun(), result.stopReason()));
        }
      }
      if (cancelled != null) {
        if (!control.leaseHeld()) {
          throw new LeaseLostException(run.runId);
        }
        if (!control.cancelRequested() && Instant.now().isAfter(deadlineAt)) {
          throw new RunFailure(
              "the run passed its deadline of "
                  + deadline
                  + (spec.training().deadline() == null
                      ? " (trainyard.training.deadline)"
                      : " (training.deadline of the spec)")
                  + " in epoch "
                  + cancelledAt
                  + ": it started at "
                  + started
                  + "; no model was written");
        }
        runs.end(
            run,
            RunStatus.CANCELLED,
            runs.cancelReason(run.runId).orElse(cancelled.stopReason())
                + " (stopped in epoch "
                + cancelledAt
                + ")");
        return;
      }
      int chosen = select(trials.stream().map(Trial::outcome).toList());
      if (chosen < 0) {
        throw new RunFailure(
            "no "
                + what
                + " trained: "
                + String.join("; ", trials.stream().map(Trial::stopReason).toList()));
      }
      TrainingOutcome outcome = trials.get(chosen).outcome();
      Path out = work.resolve(selecting ? "candidate-" + chosen : "model");
      if (selecting) {
        LOG.infof(
            "run %s: %s %d (%s) selected, val_loss %s",
            run.runId, what, chosen, models.get(chosen).type(), outcome.metrics().get("val_loss"));
      }
      int version = runs.modelVersion(run.runId);
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("kind", "model");
      metadata.put("pipeline", run.pipeline);
      metadata.put("version", version);
      metadata.put("runId", run.runId);
      metadata.put("datasetVersion", run.datasetVersion);
      metadata.put("datasetContentHash", meta.contentHash());
      metadata.put("specHash", known.contentHash());
      metadata.put("features", features);
      metadata.put("target", target);
      metadata.put("task", spec.task().wire());
      if (spec.task() == Task.BINARY_CLASSIFICATION) {
        metadata.put("positiveLabel", learned.classes().get(1));
        metadata.put("negativeLabel", learned.classes().get(0));
      }
      if (spec.task().classification()) {
        metadata.put("classes", learned.classes());
      }
      metadata.put("metrics", outcome.metrics());
      metadata.put("modelType", models.get(chosen).type());
      // The run's best epoch, numbered run-wide; the candidate's own is in candidates.
      metadata.put("bestEpoch", chosen * epochs + outcome.bestEpoch());
      metadata.put("epochsRun", outcome.epochsRun());
      metadata.put("stopReason", outcome.stopReason());
      metadata.put("seed", spec.training().seed());
      metadata.put("codeVersion", codeVersion);
      metadata.put("device", device);
      Integer threads = threads(device);
      if (threads != null) {
        metadata.put("threads", threads);
      }
      double deviceSeconds = runs.computeSeconds(run.runId);
      metadata.put("deviceSeconds", deviceSeconds);
      metadata.put("powerWatts", powerWatts);
      metadata.put("energyWh", deviceSeconds * powerWatts / 3600);
      if (selecting) {
        List<ModelTrained.Candidate> figures = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
          Trial trial = trials.get(i);
          TrainingOutcome result = trial.outcome();
          figures.add(
              new ModelTrained.Candidate(
                  i,
                  models.get(i).type(),
                  ModelConfig.MLP.equals(models.get(i).type())
                          || ModelConfig.CNN.equals(models.get(i).type())
                      ? models.get(i).hidden()
                      : null,
                  result == null ? null : result.bestEpoch(),
                  trial.epochsRun(),
                  trial.stopReason(),
                  result == null ? Map.of() : result.metrics(),
                  i == chosen,
                  params.get(i)));
        }
        metadata.put("candidates", figures);
      }
      Manifest model = write(Layout.model(run.pipeline, version), out, metadata, run.runId);
      announce(run, model);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Manifest write(Prefix prefix, Path dir, Map<String, Object> metadata, String runId)
      throws IOException {
    try (StagedWrite staged = store.stage(prefix)) {
      for (String name : ModelBundle.files(dir)) {
        staged.put(name, dir.resolve(name), contentType(name));
      }
      return staged.commit(metadata);
    } catch (ManifestConflictException e) {
      Manifest existing = e.existing();
      if (existing != null && runId.equals(text(existing.metadata(), "runId"))) {
        return existing; // this run wrote it before (the worker died before announcing it)
      }
      throw new RunFailure(prefix + " already holds another model: " + e.getMessage());
    }
  }

  /** Announces the model of a manifest this run wrote: models.trained and training.ended. */
  private void announce(Run run, Manifest model) {
    JsonNode meta = model.metadata();
    Map<String, String> artifacts = new LinkedHashMap<>();
    for (Manifest.Entry entry : model.objects()) {
      artifacts.put(entry.name(), store.uri(entry.objectKey()));
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    meta.path("metrics")
        .fields()
        .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
    ModelTrained trained =
        new ModelTrained(
            run.runId,
            run.pipeline,
            meta.path("version").asInt(),
            run.datasetVersion,
            store.manifestUri(model.location()),
            artifacts,
            metrics,
            new ModelTrained.Lineage(
                text(meta, "datasetContentHash"),
                text(meta, "specHash"),
                run.parentModel,
                Trigger.fromWire(run.trigger),
                meta.path("seed").isNumber() ? meta.path("seed").asLong() : null,
                meta.path("epochsRun").isNumber() ? meta.path("epochsRun").asInt() : null,
                text(meta, "codeVersion"),
                text(meta, "device")),
            text(meta, "task") == null ? null : Task.fromWire(text(meta, "task")),
            classes(meta),
            text(meta, "device") == null
                ? null
                : new ModelTrained.Compute(
                    text(meta, "device"),
                    meta.path("threads").isNumber() ? meta.path("threads").asInt() : null,
                    meta.path("deviceSeconds").asDouble(),
                    meta.path("powerWatts").asDouble(),
                    meta.path("energyWh").asDouble()),
            meta.path("candidates").isArray()
                ? List.of(Json.convert(meta.path("candidates"), ModelTrained.Candidate[].class))
                : null);
    runs.succeed(run, trained, meta.path("bestEpoch").asInt(), text(meta, "stopReason"));
    LOG.infof(
        "run %s succeeded: %s model v%d (%s)",
        run.runId, run.pipeline, trained.modelVersion(), text(meta, "stopReason"));
  }

  /**
   * Records a resume: the epoch resumed after, and the epochs of the checkpoint's history that were
   * never recorded (a worker killed between committing an epoch's checkpoint and recording the
   * epoch), so the run's epochs and progress events have no gap.
   */
  private void resumed(
      Run run,
      io.trainyard.models.training.TrainerCheckpoint checkpoint,
      int offset,
      int totalEpochs,
      Integer candidate) {
    runs.recordResume(run.runId, offset + checkpoint.epoch());
    java.util.Set<Integer> recorded = runs.recordedEpochs(run.runId);
    for (EpochResult epoch : checkpoint.history()) {
      EpochResult numbered = renumber(epoch, offset, totalEpochs);
      if (!recorded.contains(numbered.epoch())) {
        LOG.infof("run %s: recording epoch %d from its checkpoint", run.runId, numbered.epoch());
        runs.recordEpoch(run, numbered, null, 0, candidate);
      }
    }
  }

  /**
   * An epoch numbered run-wide: {@code offset} added to its number, {@code total} its maximum (the
   * same epoch without model selection, where the offset is 0 and the total the epochs).
   */
  static EpochResult renumber(EpochResult epoch, int offset, int total) {
    if (offset == 0 && epoch.epochs() == total) {
      return epoch;
    }
    return new EpochResult(
        offset + epoch.epoch(),
        total,
        epoch.trainLoss(),
        epoch.valLoss(),
        epoch.valAccuracy(),
        epoch.learningRate(),
        epoch.samplesPerSecond(),
        epoch.gradientNorm(),
        epoch.metrics());
  }

  /**
   * The index of the outcome with the lowest validation loss (the first on a tie); -1 when no
   * outcome has one. A null outcome is a candidate that failed.
   */
  static int select(List<TrainingOutcome> outcomes) {
    int best = -1;
    double bestLoss = Double.POSITIVE_INFINITY;
    for (int i = 0; i < outcomes.size(); i++) {
      TrainingOutcome outcome = outcomes.get(i);
      Double loss = outcome == null ? null : outcome.metrics().get(MlpTrainer.VAL_LOSS);
      if (loss != null && !Double.isNaN(loss) && (best < 0 || loss < bestLoss)) {
        best = i;
        bestLoss = loss;
      }
    }
    return best;
  }

  /**
   * How one candidate or trial ended: its outcome, or none when it failed or the median rule
   * stopped it, with the epochs it ran and why it stopped.
   */
  private record Trial(TrainingOutcome outcome, int epochsRun, String stopReason) {}

  /**
   * A model's frozen TorchScript backbone, fetched from the store into the run's work directory. It
   * is a file of the user's, which no manifest covers: libtorch checks that it loads.
   */
  private Path backbone(PipelineSpec.Backbone backbone, WorkDir work, int index)
      throws IOException {
    ObjectKey key;
    try {
      key = store.keyOf(backbone.uri());
    } catch (IllegalArgumentException e) {
      throw new RunFailure("model.backbone: " + e.getMessage());
    }
    Path file = work.resolve("backbone-" + index + ".pt");
    try (InputStream in = store.openUnverified(key)) {
      Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new RunFailure("model.backbone " + backbone.uri() + " does not exist");
    }
    return file;
  }

  /**
   * The parent model to start from, loaded from the store, when the spec asks for a warm start and
   * the run names a parent; else null.
   */
  private ModelBundle warmStart(Run run, PipelineSpec spec, WorkDir work) throws IOException {
    if (run.parentModel == null || !Boolean.TRUE.equals(spec.training().warmStart())) {
      return null;
    }
    Manifest manifest =
        store
            .manifest(Layout.model(run.pipeline, run.parentModel))
            .orElseThrow(
                () ->
                    new RunFailure(
                        "the parent model v"
                            + run.parentModel
                            + " of "
                            + run.pipeline
                            + " does not exist: a warm start needs it"));
    Path dir = store.downloadAll(manifest, work.resolve("parent"));
    LOG.infof("run %s starts from model v%d (warm start)", run.runId, run.parentModel);
    return ModelBundle.load(dir);
  }

  private static double[] asDouble(int[] values) {
    return java.util.Arrays.stream(values).asDoubleStream().toArray();
  }

  private NumericTable read(Manifest dataset, String split, WorkDir work) throws IOException {
    try {
      return DatasetVersions.readSplit(store, dataset, split, work.path());
    } catch (IllegalArgumentException | io.trainyard.datasets.InvalidSplitException e) {
      throw new RunFailure(e.getMessage());
    }
  }

  /**
   * What the run trains for, from the spec's task and the splits' labels.
   *
   * <ul>
   *   <li>binary: exactly two target values over both splits; the positive class is the spec's
   *       {@code positiveClass}, or the greater value;
   *   <li>multiclass: the classes are the distinct labels of the train split in label order ({@link
   *       DatasetLabels#sorted}: numeric when every label is a number). At least two are needed. A
   *       validation label the train split lacks fails the run: the model could never predict it,
   *       and dropping its rows would hide it from the validation metrics — the split has to change
   *       (ingestion stratifies classification splits by the target, so this happens only to a
   *       class too rare to reach the train split);
   *   <li>regression: no classes; {@link #values} checks the target is numeric.
   * </ul>
   */
  static Target target(
      PipelineSpec spec, String column, NumericTable train, NumericTable validation) {
    switch (spec.task()) {
      case BINARY_CLASSIFICATION -> {
        TreeSet<String> values = new TreeSet<>(List.of(train.labels()));
        values.addAll(List.of(validation.labels()));
        if (values.size() != 2) {
          throw new RunFailure(
              "binary classification needs exactly 2 target values, the dataset has " + values);
        }
        String positive;
        try {
          positive = DatasetLabels.positiveClass(values, spec.positiveClassIfSet());
        } catch (IllegalArgumentException e) {
          throw new RunFailure(e.getMessage());
        }
        String negative = values.first().equals(positive) ? values.last() : values.first();
        return Target.binary(negative, positive);
      }
      case MULTICLASS_CLASSIFICATION -> {
        List<String> classes = DatasetLabels.sorted(new TreeSet<>(List.of(train.labels())));
        if (classes.size() < 2) {
          throw new RunFailure(
              "multiclass classification needs at least 2 target values in the train split, '"
                  + column
                  + "' has "
                  + classes);
        }
        TreeSet<String> unseen = new TreeSet<>(List.of(validation.labels()));
        unseen.removeAll(classes);
        if (!unseen.isEmpty()) {
          throw new RunFailure(
              "the validation split has target values the train split lacks: "
                  + DatasetLabels.sorted(unseen)
                  + " (the model's classes are the train split's "
                  + classes
                  + "); a class seen only in validation cannot be learned: add rows of it so"
                  + " that the train split holds some, or remove it");
        }
        return Target.multiclass(classes);
      }
      case REGRESSION -> {
        return Target.regression();
      }
      default -> throw new IllegalStateException("task " + spec.task());
    }
  }

  /** The class index of each label in {@code classes} (each label is one of them). */
  static int[] classIndices(String[] labels, List<String> classes) {
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      index.put(classes.get(c), c);
    }
    int[] y = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      y[i] = index.get(labels[i]);
    }
    return y;
  }

  /**
   * The numeric value of each label of a regression target.
   *
   * @throws RunFailure naming the first value that is not a finite number
   */
  static double[] values(String[] labels, String column, String split) {
    double[] y = new double[labels.length];
    for (int i = 0; i < labels.length; i++) {
      double v;
      try {
        v = new java.math.BigDecimal(labels[i]).doubleValue();
      } catch (NumberFormatException e) {
        v = Double.NaN;
      }
      if (!Double.isFinite(v)) {
        throw new RunFailure(
            "regression needs a numeric target, but '"
                + column
                + "' has the value '"
                + labels[i]
                + "' in the "
                + split
                + " split");
      }
      y[i] = v;
    }
    return y;
  }

  /** The model manifest's classes; null when it has none (regression, or written before). */
  private static List<String> classes(JsonNode meta) {
    JsonNode classes = meta.get("classes");
    if (classes == null || !classes.isArray()) {
      return null;
    }
    List<String> labels = new java.util.ArrayList<>();
    classes.forEach(c -> labels.add(c.asText()));
    return labels;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String contentType(String name) {
    return name.endsWith(".json") ? "application/json" : "application/octet-stream";
  }
}
