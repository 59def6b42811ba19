package io.trainyard.evaluation.models;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.Alias;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.ModelEvaluated;
import io.trainyard.contracts.events.ModelEvaluated.GateResult;
import io.trainyard.contracts.events.ModelTrained;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.DatasetProfile;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.NumericTable;
import io.trainyard.datasets.ParquetTables;
import io.trainyard.evaluation.gating.Gates;
import io.trainyard.evaluation.gating.Promotion;
import io.trainyard.evaluation.gating.Sliced;
import io.trainyard.eventing.IncomingEvent;
import io.trainyard.eventing.PoisonEventException;
import io.trainyard.eventing.TransientEventException;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.models.ModelBundle;
import io.trainyard.objectstore.CorruptObjectException;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ManifestConflictException;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.ObjectStoreException;
import io.trainyard.objectstore.Prefix;
import io.trainyard.objectstore.StagedWrite;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.specs.PipelineCatalog;
import io.trainyard.stats.Bootstrap;
import io.trainyard.stats.Quantiles;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Evaluates a trained model version on its dataset's test split, applies the spec's gates, and
 * promotes it to champion when it passes them and beats the current champion's primary metric.
 * Everything a {@code models.trained} event causes happens in that event's transaction: the
 * evaluation row, the alias, {@code models.evaluated} and {@code models.promoted}.
 */
@ApplicationScoped
public class EvaluationService {

  private static final Logger LOG = Logger.getLogger(EvaluationService.class);

  /** Scores at or above this are the positive class. */
  static final double THRESHOLD = 0.5;

  static final String PREDICTIONS = "predictions.parquet";
  static final String METRICS = "metrics.json";
  static final String CARD_MARKDOWN = "model-card.md";
  static final String CARD_HTML = "model-card.html";

  /** The card's sections as JSON, so that a review can rewrite the card. */
  static final String CARD_SECTIONS = "model-card.json";

  static final String MARKDOWN = "text/markdown";

  /** The folder of the evaluation's SVG plots. */
  static final String PLOTS = "plots/";

  static final String SVG = "image/svg+xml";

  private final PipelineCatalog catalog;
  private final ObjectStore store;
  private final Outbox outbox;
  private final AliasService aliases;

  public EvaluationService(
      PipelineCatalog catalog, ObjectStore store, Outbox outbox, AliasService aliases) {
    this.catalog = catalog;
    this.store = store;
    this.outbox = outbox;
    this.aliases = aliases;
  }

  /** Handles one {@code models.trained} event, in its transaction. */
  @Transactional(Transactional.TxType.MANDATORY)
  public void onTrained(IncomingEvent<ModelTrained> event) {
    ModelTrained trained = event.payload();
    if (ModelEvaluation.of(trained.pipeline(), trained.modelVersion()).isPresent()) {
      LOG.infof("%s v%d is already evaluated", trained.pipeline(), trained.modelVersion());
      return;
    }
    PipelineSpec spec = catalog.require(trained.pipeline()).spec();
    Optional<ModelAlias> championAlias = ModelAlias.of(trained.pipeline(), Alias.CHAMPION.wire());
    Optional<ModelEvaluation> championEvaluation =
        championAlias.flatMap(a -> ModelEvaluation.of(trained.pipeline(), a.version));
    // A champion evaluated on another dataset version is scored again on this test split: the
    // candidate and the champion are compared on the same rows.
    Evaluated evaluated =
        score(
            trained,
            spec.evaluation(),
            championEvaluation
                .filter(e -> e.datasetVersion != trained.datasetVersion())
                .map(e -> e.version));
    Scored scored = evaluated.scored();
    Map<String, Double> metrics = new LinkedHashMap<>();
    Map<String, String> undefined = new LinkedHashMap<>();
    scored.metrics(metrics, undefined);
    PipelineSpec.Ranking ranking = spec.evaluation().ranking();
    Ranked ranked =
        ranking == null
            ? null
            : Ranked.metrics(
                scored,
                ranking.query(),
                ranking.k(),
                evaluated.query(),
                evaluated.queryMissing(),
                metrics,
                undefined);
    metrics.putAll(evaluated.operational());
    Sliced sliced =
        Slices.slice(
            scored,
            evaluated.sliceColumns(),
            evaluated.missingSlices(),
            spec.evaluation().minSliceSize());

    String primary = spec.evaluation().primaryMetric();
    Map<String, ModelEvaluated.Interval> intervals = interval(scored, primary, metrics);
    Optional<Gates.Champion> champion =
        championEvaluation.map(
            e ->
                new Gates.Champion(
                    e.version,
                    championMetrics(e, evaluated),
                    readSliced(e.slicesJson),
                    championOnChallengeSets(
                        trained.pipeline(), e.version, spec.evaluation().gates(), evaluated)));
    List<GateResult> gates =
        Gates.apply(
            spec.evaluation().gates(),
            metrics,
            undefined,
            sliced,
            evaluated.challengeSets(),
            champion);
    boolean passed = gates.stream().allMatch(GateResult::passed);

    Map<String, Map<String, Double>> perClass = scored.perClass();
    ModelCard.Facts card =
        new ModelCard.Facts(
            spec,
            trained,
            metrics,
            intervals,
            sliced,
            List.copyOf(evaluated.challengeSets().values()),
            gates,
            passed,
            scored.rows(),
            evaluated.dataset().metadata(),
            evaluated.profile(),
            ranked,
            undefined);
    Manifest evaluation =
        write(
            trained,
            scored,
            metrics,
            intervals,
            sliced,
            evaluated.challengeSets().values(),
            perClass,
            ranked,
            gates,
            passed,
            card);
    String predictionsUri = store.uri(entry(evaluation, PREDICTIONS).objectKey());
    String manifestUri = store.manifestUri(evaluation.location());

    ModelEvaluation row = new ModelEvaluation();
    row.pipeline = trained.pipeline();
    row.version = trained.modelVersion();
    row.runId = trained.runId();
    row.datasetVersion = trained.datasetVersion();
    row.primaryMetric = primary;
    row.metricsJson = Json.write(metrics);
    row.gatesJson = Json.write(gates);
    row.slicesJson = Json.write(sliced);
    row.challengeSetsJson = Json.write(List.copyOf(evaluated.challengeSets().values()));
    row.passed = passed;
    row.championVersion = champion.map(Gates.Champion::version).orElse(null);
    row.predictionsUri = predictionsUri;
    row.manifestUri = manifestUri;
    row.evaluatedAt = Instant.now();
    row.persist();
    outbox.publish(
        Topic.MODELS_EVALUATED,
        new ModelEvaluated(
            trained.pipeline(),
            trained.modelVersion(),
            trained.runId(),
            trained.datasetVersion(),
            metrics,
            sliced.slices(),
            gates,
            passed,
            row.championVersion,
            predictionsUri,
            manifestUri,
            intervals,
            perClass,
            sliced.fairness().isEmpty() ? null : sliced.fairness(),
            evaluated.challengeSets().isEmpty()
                ? null
                : List.copyOf(evaluated.challengeSets().values())),
        trained.pipeline(),
        trained.modelVersion());

    Promotion.Decision decision = Promotion.decide(passed, primary, metrics, champion);
    LOG.infof(
        "%s v%d evaluated: %s; gates %s; %s",
        trained.pipeline(),
        trained.modelVersion(),
        metrics,
        passed ? "passed" : "failed",
        decision.promote() ? "promoted: " + decision.reason() : "kept out: " + decision.reason());
    if (decision.promote()) {
      aliases.move(
          trained.pipeline(),
          Alias.CHAMPION,
          championAlias,
          trained.modelVersion(),
          decision.reason(),
          null,
          trained.datasetVersion(),
          event.id());
    }
  }

  /**
   * The scored test split, the operational figures measured while scoring it, the slice columns'
   * values (in the split's row order) and the slice columns the split lacks, with the reason; the
   * ranking query column's values (null when there is no ranking, or the split lacks it, and then
   * why); the dataset version and its profile (null when it has none).
   */
  /**
   * The champion's metrics to compare the candidate with: those of its own evaluation, with the
   * figures it was scored again on the candidate's test split in their place when its dataset
   * version differs.
   */
  private static Map<String, Double> championMetrics(
      ModelEvaluation champion, Evaluated evaluated) {
    Map<String, Double> metrics = new LinkedHashMap<>(readMetrics(champion.metricsJson));
    if (evaluated.championOnTest() != null) {
      metrics.keySet().retainAll(OPERATIONAL);
      metrics.putAll(evaluated.championOnTest());
    }
    return metrics;
  }

  /** Metrics of the model rather than of its test split: kept from the champion's evaluation. */
  static final java.util.Set<String> OPERATIONAL =
      java.util.Set.of("model_size_bytes", "latency_p50_ms", "latency_p95_ms");

  /**
   * @param championOnTest the champion's metrics on this test split, when it was scored again on it
   *     (its dataset version differs); null otherwise
   */
  record Evaluated(
      Scored scored,
      Map<String, Double> operational,
      Map<String, ParquetTables.Column> sliceColumns,
      Map<String, String> missingSlices,
      Map<String, Manifest> challengeSetVersions,
      Map<String, ModelEvaluated.ChallengeSetMetrics> challengeSets,
      ParquetTables.Column query,
      String queryMissing,
      Manifest dataset,
      DatasetProfile profile,
      Map<String, Double> championOnTest) {}

  /** How many test rows are scored one at a time to measure the latency per row. */
  static final int LATENCY_ROWS = 200;

  /** Single-row calls made before the measured ones, so that JIT and libtorch are warm. */
  static final int LATENCY_WARMUP = 20;

  private Evaluated score(
      ModelTrained trained, PipelineSpec.Evaluation spec, Optional<Integer> rescoreChampion) {
    Manifest model = manifest(Layout.model(trained.pipeline(), trained.modelVersion()), "model");
    Manifest dataset =
        manifest(Layout.dataset(trained.pipeline(), trained.datasetVersion()), "dataset");
    try (WorkDir work = WorkDir.create("trainyard-eval-")) {
      Path modelDir = store.downloadAll(model, work.resolve("model"));
      try (ModelBundle bundle = load(modelDir, trained.modelVersion())) {
        NumericTable table;
        try {
          table = DatasetVersions.readSplit(store, dataset, DatasetIngested.TEST, work.path());
        } catch (IllegalArgumentException | io.trainyard.datasets.InvalidSplitException e) {
          throw new PoisonEventException(e.getMessage());
        }
        if (!table.features().equals(bundle.preprocessing().features())
            || !table.categorical().equals(bundle.preprocessing().categoricalFeatures())) {
          throw new PoisonEventException(
              "model v"
                  + trained.modelVersion()
                  + " takes "
                  + bundle.preprocessing().inputs()
                  + " but the test split has "
                  + inputs(table));
        }
        if (table.labels().length == 0) {
          throw new PoisonEventException("the test split of " + dataset.prefix() + " is empty");
        }
        Scored scored = scored(bundle, table);
        Map<String, Double> operational = new LinkedHashMap<>();
        long bytes = model.objects().stream().mapToLong(Manifest.Entry::size).sum();
        operational.put("model_size_bytes", (double) bytes);
        double[] latency = latencyPerRow(bundle, table);
        operational.put("latency_p50_ms", Quantiles.percentile(latency, 50));
        operational.put("latency_p95_ms", Quantiles.percentile(latency, 95));
        Map<String, ParquetTables.Column> columns = new LinkedHashMap<>();
        Map<String, String> missing = new LinkedHashMap<>();
        Path test = work.resolve(DatasetVersions.fileName(DatasetIngested.TEST));
        for (String slice : spec.slices()) {
          try {
            columns.put(slice, ParquetTables.readColumn(test, slice));
          } catch (io.trainyard.datasets.InvalidSplitException e) {
            missing.put(
                slice,
                "slice column '" + slice + "' is not in the test split of " + dataset.prefix());
          }
        }
        ParquetTables.Column query = null;
        String queryMissing = null;
        if (spec.ranking() != null) {
          try {
            query = ParquetTables.readColumn(test, spec.ranking().query());
          } catch (io.trainyard.datasets.InvalidSplitException e) {
            queryMissing =
                "query column '"
                    + spec.ranking().query()
                    + "' is not in the test split of "
                    + dataset.prefix();
          }
        }
        Map<String, Manifest> sets = challengeSetVersions(trained.pipeline());
        Map<String, Double> championOnTest =
            rescoreChampion
                .map(v -> championOn(trained.pipeline(), v, table, work.resolve("champion")))
                .orElse(null);
        return new Evaluated(
            scored,
            operational,
            columns,
            missing,
            sets,
            onChallengeSets(bundle, sets, work.resolve("challenge-sets")),
            query,
            queryMissing,
            dataset,
            profile(dataset),
            championOnTest);
      }
    } catch (CorruptObjectException e) {
      throw new PoisonEventException(
          "model v" + trained.modelVersion() + " or its test split is corrupt: " + e.getMessage());
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException("cannot read the model or the test split: " + e, e);
    }
  }

  /** The dataset version's profile; null for a version without one. */
  private DatasetProfile profile(Manifest dataset) throws IOException {
    if (dataset.objects().stream().noneMatch(e -> e.name().equals(DatasetProfile.FILE_NAME))) {
      return null;
    }
    return DatasetProfile.fromJson(store.readAllBytes(dataset, DatasetProfile.FILE_NAME));
  }

  /** The model bundle in {@code dir}; a bundle that cannot be loaded is a poison event. */
  private static ModelBundle load(Path dir, int version) {
    try {
      return ModelBundle.load(dir);
    } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
      throw new PoisonEventException(
          "model v" + version + " cannot be loaded (corrupt or incomplete): " + e.getMessage());
    }
  }

  private static List<String> inputs(NumericTable table) {
    List<String> all = new java.util.ArrayList<>(table.features());
    all.addAll(table.categorical());
    return all;
  }

  /**
   * The latest committed version of each challenge set of the pipeline, by name: dataset versions
   * whose manifest names a {@code challengeSet}.
   */
  private Map<String, Manifest> challengeSetVersions(String pipeline) {
    Map<String, Manifest> latest = new java.util.TreeMap<>();
    for (Manifest version : store.listCommitted(Layout.datasets(pipeline))) {
      String name = version.metadata().path("challengeSet").asText(null);
      if (name != null) {
        latest.put(name, version); // natural order: a later version replaces an earlier one
      }
    }
    return latest;
  }

  /** The dataset version of a committed {@code datasets/{pipeline}/v{n}/} prefix. */
  static int versionOf(Manifest manifest) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("/v(\\d+)/?$").matcher(manifest.location().value());
    if (!m.find()) {
      throw new IllegalStateException(manifest.location() + " is not a dataset version");
    }
    return Integer.parseInt(m.group(1));
  }

  /**
   * The bundle's metrics on the test split of each challenge-set version. A set that does not fit
   * the model (other inputs, or labels a binary model does not know) gets no metrics, and gates on
   * it fail as undefined; the reason is logged.
   */
  private Map<String, ModelEvaluated.ChallengeSetMetrics> onChallengeSets(
      ModelBundle bundle, Map<String, Manifest> sets, Path dir) throws IOException {
    Map<String, ModelEvaluated.ChallengeSetMetrics> all = new LinkedHashMap<>();
    for (Map.Entry<String, Manifest> set : sets.entrySet()) {
      Path sub = Files.createDirectories(dir.resolve(set.getKey()));
      Map<String, Double> metrics = new LinkedHashMap<>();
      long rows = 0;
      try {
        NumericTable table =
            DatasetVersions.readSplit(store, set.getValue(), DatasetIngested.TEST, sub);
        rows = table.rows();
        if (!table.features().equals(bundle.preprocessing().features())
            || !table.categorical().equals(bundle.preprocessing().categoricalFeatures())) {
          throw new PoisonEventException(
              "the model takes "
                  + bundle.preprocessing().inputs()
                  + " but it has "
                  + inputs(table));
        }
        if (rows > 0) {
          scored(bundle, table).metrics(metrics, new LinkedHashMap<>());
        }
      } catch (PoisonEventException
          | IllegalArgumentException
          | io.trainyard.datasets.InvalidSplitException e) {
        LOG.warnf("challenge set %s is not scored: %s", set.getKey(), e.getMessage());
      }
      all.put(
          set.getKey(),
          new ModelEvaluated.ChallengeSetMetrics(
              set.getKey(), versionOf(set.getValue()), rows, metrics));
    }
    return all;
  }

  /**
   * The champion's metrics on the challenge sets that champion gates name, scored on the same
   * versions as the candidate; none when no such gate exists.
   */
  private Map<String, Map<String, Double>> championOnChallengeSets(
      String pipeline, int championVersion, List<PipelineSpec.Gate> gates, Evaluated evaluated) {
    Map<String, Manifest> needed = new java.util.TreeMap<>();
    for (PipelineSpec.Gate gate : gates) {
      if (gate.challengeSet() != null
          && (gate.notWorseThanChampionBy() != null || gate.change() != null)
          && evaluated.challengeSetVersions().containsKey(gate.challengeSet())) {
        needed.put(gate.challengeSet(), evaluated.challengeSetVersions().get(gate.challengeSet()));
      }
    }
    if (needed.isEmpty()) {
      return Map.of();
    }
    Manifest model = manifest(Layout.model(pipeline, championVersion), "champion model");
    try (WorkDir work = WorkDir.create("trainyard-eval-champion-")) {
      Path modelDir = store.downloadAll(model, work.resolve("model"));
      try (ModelBundle bundle = ModelBundle.load(modelDir)) {
        Map<String, Map<String, Double>> metrics = new LinkedHashMap<>();
        onChallengeSets(bundle, needed, work.resolve("challenge-sets"))
            .forEach((name, set) -> metrics.put(name, set.metrics()));
        return metrics;
      }
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException("cannot score champion v" + championVersion + ": " + e, e);
    }
  }

  /**
   * The metrics of champion {@code version} on {@code table} (the candidate's test split); null
   * when the champion takes other inputs than the split has (its own evaluation's figures are used
   * then).
   */
  private Map<String, Double> championOn(
      String pipeline, int version, NumericTable table, Path work) {
    Manifest model = manifest(Layout.model(pipeline, version), "champion model");
    try {
      Path dir = store.downloadAll(model, work);
      try (ModelBundle bundle = load(dir, version)) {
        if (!table.features().equals(bundle.preprocessing().features())
            || !table.categorical().equals(bundle.preprocessing().categoricalFeatures())) {
          LOG.warnf(
              "%s: champion v%d takes %s, not this test split's %s: compared by its own"
                  + " evaluation's figures",
              pipeline, version, bundle.preprocessing().inputs(), inputs(table));
          return null;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        scored(bundle, table).metrics(metrics, new LinkedHashMap<>());
        return metrics;
      }
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException("cannot score champion v" + version + ": " + e, e);
    }
  }

  /** Scores the test split with the bundle, as its task does. */
  static Scored scored(ModelBundle bundle, NumericTable table) {
    return switch (bundle.task()) {
      case BINARY_CLASSIFICATION -> {
        for (int i = 0; i < table.rows(); i++) {
          if (!bundle.classes().contains(table.labels()[i])) {
            throw new PoisonEventException(
                "the binary model knows the labels "
                    + bundle.classes()
                    + " but row_id "
                    + table.rowIds()[i]
                    + " of the test split is labelled '"
                    + table.labels()[i]
                    + "'");
          }
        }
        double[] scores = bundle.scores(table.x(), table.text());
        yield Scored.binary(
            table.rowIds(),
            table.labels(),
            bundle.predict(scores, THRESHOLD),
            scores,
            bundle.classes());
      }
      case MULTICLASS_CLASSIFICATION -> {
        double[][] p = bundle.probabilities(table.x(), table.text());
        yield Scored.multiclass(
            table.rowIds(), table.labels(), bundle.predictClasses(p), p, bundle.classes());
      }
      case REGRESSION -> {
        double[] targets = new double[table.rows()];
        for (int i = 0; i < targets.length; i++) {
          try {
            targets[i] = Double.parseDouble(table.labels()[i]);
          } catch (NumberFormatException e) {
            throw new PoisonEventException(
                "regression needs a numeric target, but row_id "
                    + table.rowIds()[i]
                    + " of the test split has '"
                    + table.labels()[i]
                    + "'");
          }
        }
        yield Scored.regression(
            table.rowIds(), table.labels(), targets, bundle.predictions(table.x(), table.text()));
      }
    };
  }

  /**
   * The milliseconds of each of up to {@value #LATENCY_ROWS} single-row scoring calls through
   * libs/models (preprocessing and forward pass), after {@value #LATENCY_WARMUP} unmeasured ones. A
   * figure of this machine and its load, for gates with generous bounds and for the model card.
   */
  static double[] latencyPerRow(ModelBundle bundle, NumericTable table) {
    int n = Math.min(LATENCY_ROWS, table.rows());
    double[] millis = new double[n];
    for (int i = -Math.min(LATENCY_WARMUP, n); i < n; i++) {
      int row = Math.max(i, 0);
      double[][] x = {table.x()[row]};
      String[][] text = {table.text()[row]};
      long start = System.nanoTime();
      switch (bundle.task()) {
        case BINARY_CLASSIFICATION -> bundle.scores(x, text);
        case MULTICLASS_CLASSIFICATION -> bundle.probabilities(x, text);
        case REGRESSION -> bundle.predictions(x, text);
      }
      long elapsed = System.nanoTime() - start;
      if (i >= 0) {
        millis[i] = elapsed / 1e6;
      }
    }
    return millis;
  }

  /** The seed of the bootstrap: the same predictions give the same interval. */
  static final long BOOTSTRAP_SEED = 42;

  /** The confidence level of the intervals. */
  static final double LEVEL = 0.95;

  /**
   * The primary metric's 95 % percentile-bootstrap interval over the test split ({@value
   * Bootstrap#RESAMPLES} resamples, seed {@value #BOOTSTRAP_SEED}); empty when the metric is not
   * one evaluation computes or is undefined on every resample.
   */
  static Map<String, ModelEvaluated.Interval> interval(
      Scored scored, String primary, Map<String, Double> metrics) {
    if (!metrics.containsKey(primary)) {
      return Map.of();
    }
    try {
      Bootstrap.Interval interval =
          Bootstrap.interval(
              scored.rows(),
              Bootstrap.RESAMPLES,
              LEVEL,
              BOOTSTRAP_SEED,
              sample -> {
                Map<String, Double> values = new LinkedHashMap<>();
                Map<String, String> undefined = new LinkedHashMap<>();
                scored.sample(sample).metrics(values, undefined);
                if (!values.containsKey(primary)) {
                  throw new IllegalArgumentException(undefined.get(primary));
                }
                return values.get(primary);
              });
      return Map.of(
          primary,
          new ModelEvaluated.Interval(
              interval.low(),
              interval.high(),
              interval.level(),
              "percentile-bootstrap",
              interval.resamples()));
    } catch (IllegalArgumentException undefinedEverywhere) {
      return Map.of();
    }
  }

  private Manifest write(
      ModelTrained trained,
      Scored scored,
      Map<String, Double> metrics,
      Map<String, ModelEvaluated.Interval> intervals,
      Sliced sliced,
      java.util.Collection<ModelEvaluated.ChallengeSetMetrics> challengeSets,
      Map<String, Map<String, Double>> perClass,
      Ranked ranked,
      List<GateResult> gates,
      boolean passed,
      ModelCard.Facts card) {
    Prefix prefix = Layout.evaluation(trained.pipeline(), trained.modelVersion());
    try (WorkDir work = WorkDir.create("trainyard-eval-");
        StagedWrite staged = store.stage(prefix)) {
      Path predictions = work.resolve(PREDICTIONS);
      writePredictions(predictions, scored);
      staged.put(PREDICTIONS, predictions, "application/vnd.apache.parquet");
      Map<String, Object> report = new LinkedHashMap<>();
      report.put("metrics", metrics);
      report.put("intervals", intervals);
      if (perClass != null) {
        report.put("perClass", perClass);
      }
      long[][] confusion = scored.confusionMatrix();
      if (confusion != null) {
        report.put("confusionMatrix", Map.of("labels", scored.classes(), "counts", confusion));
      }
      if (ranked != null) {
        report.put("ranking", ranked);
      }
      report.put("slices", sliced.slices());
      report.put("fairness", sliced.fairness());
      if (!sliced.missing().isEmpty()) {
        report.put("missingSlices", sliced.missing());
      }
      report.put("minSliceSize", sliced.minSliceSize());
      report.put("challengeSets", List.copyOf(challengeSets));
      report.put("gates", gates);
      report.put("passed", passed);
      staged.put(METRICS, Json.writeBytes(report), "application/json");
      List<ModelCard.Section> sections = ModelCard.sections(card);
      String title = ModelCard.title(trained.pipeline(), trained.modelVersion());
      staged.put(CARD_SECTIONS, Json.writeBytes(sections), "application/json");
      for (Map.Entry<String, String> plot :
          Plots.of(scored, trained.pipeline() + " v" + trained.modelVersion()).entrySet()) {
        staged.put(
            PLOTS + plot.getKey(),
            plot.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            SVG);
      }
      staged.put(
          CARD_MARKDOWN,
          ModelCard.markdown(title, sections).getBytes(java.nio.charset.StandardCharsets.UTF_8),
          MARKDOWN);
      staged.put(
          CARD_HTML,
          ModelCard.html(title, sections).getBytes(java.nio.charset.StandardCharsets.UTF_8),
          "text/html");
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("kind", "evaluation");
      metadata.put("pipeline", trained.pipeline());
      metadata.put("version", trained.modelVersion());
      metadata.put("runId", trained.runId());
      metadata.put("datasetVersion", trained.datasetVersion());
      metadata.put("task", scored.task().wire());
      if (scored.task() == Task.BINARY_CLASSIFICATION) {
        metadata.put("positiveLabel", scored.classes().get(1));
        metadata.put("threshold", THRESHOLD);
      } else if (scored.task() == Task.MULTICLASS_CLASSIFICATION) {
        metadata.put("classes", scored.classes());
      }
      metadata.put("rows", scored.rowIds().length);
      return staged.commit(metadata);
    } catch (ManifestConflictException e) {
      Manifest existing = e.existing();
      if (existing != null && trained.runId().equals(existing.metadata().path("runId").asText())) {
        return existing; // an earlier attempt of this event wrote it
      }
      throw new PoisonEventException(prefix + " holds another evaluation: " + e.getMessage());
    } catch (IOException | ObjectStoreException e) {
      throw new TransientEventException("cannot write " + prefix + ": " + e, e);
    }
  }

  /**
   * The predictions file: {@code row_id, actual, predicted} and {@code score} (binary), one {@code
   * score_<class>} per class (multiclass), or numeric {@code actual} and {@code predicted}
   * (regression).
   */
  static void writePredictions(Path file, Scored scored) throws IOException {
    switch (scored.task()) {
      case BINARY_CLASSIFICATION ->
          ParquetTables.writePredictions(
              file, scored.rowIds(), scored.actual(), scored.predicted(), scored.scores());
      case MULTICLASS_CLASSIFICATION -> {
        Map<String, double[]> columns = new LinkedHashMap<>();
        for (int c = 0; c < scored.classes().size(); c++) {
          double[] column = new double[scored.rows()];
          for (int i = 0; i < column.length; i++) {
            column[i] = scored.probabilities()[i][c];
          }
          columns.put("score_" + scored.classes().get(c), column);
        }
        ParquetTables.writePredictions(
            file, scored.rowIds(), scored.actual(), scored.predicted(), columns);
      }
      case REGRESSION ->
          ParquetTables.writeRegressionPredictions(
              file, scored.rowIds(), scored.targets(), scored.estimates());
    }
  }

  private Manifest manifest(Prefix prefix, String what) {
    try {
      return store
          .manifest(prefix)
          .orElseThrow(() -> new PoisonEventException("no " + what + " manifest at " + prefix));
    } catch (ObjectStoreException e) {
      throw new TransientEventException("cannot read " + prefix + ": " + e, e);
    }
  }

  private static Manifest.Entry entry(Manifest manifest, String name) {
    return manifest.objects().stream()
        .filter(e -> e.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(manifest.prefix() + " has no " + name));
  }

  static Map<String, Double> readMetrics(String json) {
    return Json.mapper().convertValue(Json.readTree(json), new TypeReference<>() {});
  }

  /** The slices stored with an evaluation; none for one stored before slices were kept. */
  static Sliced readSliced(String json) {
    return json == null
        ? Sliced.NONE
        : Json.mapper().convertValue(Json.readTree(json), Sliced.class);
  }

  /** The challenge-set metrics stored with an evaluation; none before V3. */
  static List<ModelEvaluated.ChallengeSetMetrics> readChallengeSets(String json) {
    return json == null
        ? List.of()
        : Json.mapper().convertValue(Json.readTree(json), new TypeReference<>() {});
  }

  static List<GateResult> readGates(String json) {
    JsonNode node = Json.readTree(json);
    return Json.mapper().convertValue(node, new TypeReference<>() {});
  }
}
