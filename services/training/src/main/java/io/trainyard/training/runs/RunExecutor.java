package io.trainyard.training.runs;

import com.fasterxml.jackson.databind.JsonNode;
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
import io.trainyard.models.ModelBundle;
import io.trainyard.models.training.MlpTrainer;
import io.trainyard.models.training.TrainingData;
import io.trainyard.models.training.TrainingDivergedException;
import io.trainyard.models.training.TrainingOutcome;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ManifestConflictException;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.Prefix;
import io.trainyard.objectstore.StagedWrite;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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

  public RunExecutor(
      PipelineCatalog catalog,
      ObjectStore store,
      RunStore runs,
      @ConfigProperty(name = "trainyard.training.spec-wait", defaultValue = "120s")
          Duration specWait) {
    this.catalog = catalog;
    this.store = store;
    this.runs = runs;
    this.specWait = specWait;
  }

  /**
   * Executes {@code run}, which this worker leased; {@code control} tells when the lease is lost or
   * the run's cancellation requested (it then stops before its next mini-batch, saving nothing).
   */
  public void execute(Run run, Control control) {
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
    if (spec.task() != Task.BINARY_CLASSIFICATION) {
      throw new RunFailure(
          "task " + spec.task().wire() + " is not trained yet; binary-classification is");
    }
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
    // Text and boolean features wait for issue 7's encoders; the model reads the numeric ones.
    List<String> features = meta.numericFeatures();
    if (features.isEmpty()) {
      throw new RunFailure(
          "dataset v"
              + run.datasetVersion
              + " has no numeric feature; its features are "
              + meta.features());
    }
    String target = meta.target();
    try (WorkDir work = WorkDir.create("trainyard-run-")) {
      NumericTable train = read(dataset, DatasetIngested.TRAIN, work);
      NumericTable validation = read(dataset, DatasetIngested.VALIDATION, work);
      if (validation.labels().length == 0) {
        throw new RunFailure("the validation split is empty: early stopping needs it");
      }
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
      TrainingData data =
          new TrainingData(
              features,
              train.x(),
              ys(train.labels(), positive),
              validation.x(),
              ys(validation.labels(), positive));
      Path out = work.resolve("model");
      Files.createDirectories(out);
      long trainingStarted = System.nanoTime();
      int[] epochsHere = {0};
      TrainingOutcome outcome;
      try {
        outcome =
            new MlpTrainer(spec.training())
                .train(
                    data,
                    negative,
                    positive,
                    out,
                    epoch -> {
                      if (!control.leaseHeld()) {
                        throw new LeaseLostException(run.runId);
                      }
                      epochsHere[0]++;
                      double perEpoch = (System.nanoTime() - trainingStarted) / 1e9 / epochsHere[0];
                      runs.recordEpoch(
                          run, epoch, perEpoch * Math.max(0, epoch.epochs() - epoch.epoch()));
                    },
                    () -> !control.leaseHeld() || control.cancelRequested(),
                    new RunCheckpoints(store, run.runId));
      } catch (TrainingDivergedException e) {
        throw new RunFailure(e.getMessage());
      }
      if (outcome.cancelled()) {
        if (!control.leaseHeld()) {
          throw new LeaseLostException(run.runId);
        }
        runs.end(
            run,
            RunStatus.CANCELLED,
            runs.cancelReason(run.runId).orElse(outcome.stopReason())
                + " (stopped in epoch "
                + (outcome.epochsRun() + 1)
                + ")");
        return;
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
      metadata.put("positiveLabel", positive);
      metadata.put("negativeLabel", negative);
      metadata.put("metrics", outcome.metrics());
      metadata.put("bestEpoch", outcome.bestEpoch());
      metadata.put("epochsRun", outcome.epochsRun());
      metadata.put("stopReason", outcome.stopReason());
      metadata.put("seed", spec.training().seed());
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
                meta.path("epochsRun").isNumber() ? meta.path("epochsRun").asInt() : null));
    runs.succeed(run, trained, meta.path("bestEpoch").asInt(), text(meta, "stopReason"));
    LOG.infof(
        "run %s succeeded: %s model v%d (%s)",
        run.runId, run.pipeline, trained.modelVersion(), text(meta, "stopReason"));
  }

  private NumericTable read(Manifest dataset, String split, WorkDir work) throws IOException {
    try {
      return DatasetVersions.readSplit(store, dataset, split, work.path());
    } catch (IllegalArgumentException e) {
      throw new RunFailure(e.getMessage());
    }
  }

  static int[] ys(String[] labels, String positive) {
    int[] y = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      y[i] = labels[i].equals(positive) ? 1 : 0;
    }
    return y;
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  private static String contentType(String name) {
    return name.endsWith(".json") ? "application/json" : "application/octet-stream";
  }
}
