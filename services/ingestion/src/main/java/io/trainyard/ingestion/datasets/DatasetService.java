package io.trainyard.ingestion.datasets;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.trainyard.contracts.EventIds;
import io.trainyard.contracts.Json;
import io.trainyard.contracts.Topic;
import io.trainyard.contracts.events.ChallengeSets;
import io.trainyard.contracts.events.DatasetIngested;
import io.trainyard.contracts.events.TrainingRequested;
import io.trainyard.contracts.events.Trigger;
import io.trainyard.contracts.spec.PipelineSpec;
import io.trainyard.contracts.spec.Task;
import io.trainyard.datasets.Cleaning;
import io.trainyard.datasets.CsvSplitter;
import io.trainyard.datasets.DatasetProfile;
import io.trainyard.datasets.DatasetValidationException;
import io.trainyard.datasets.DatasetVersions;
import io.trainyard.datasets.IngestResult;
import io.trainyard.datasets.Profiler;
import io.trainyard.datasets.SchemaDiff;
import io.trainyard.datasets.SplitConfig;
import io.trainyard.datasets.SplitFile;
import io.trainyard.datasets.SplitRatios;
import io.trainyard.datasets.ValidationReport;
import io.trainyard.datasets.Validator;
import io.trainyard.eventing.OutboxEvent;
import io.trainyard.eventing.quarkus.Outbox;
import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ManifestConflictException;
import io.trainyard.objectstore.ObjectKey;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.Prefix;
import io.trainyard.objectstore.StagedWrite;
import io.trainyard.platform.WorkDir;
import io.trainyard.platform.problem.Problem;
import io.trainyard.platform.problem.ProblemException;
import io.trainyard.platform.specs.PipelineCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Turns an uploaded table into a dataset version: validate, split, write the Parquet splits and the
 * manifest through the object store, record the version and announce it, all or nothing.
 *
 * <p>A version is identified by its content hash: SHA-256 over the input bytes and the split
 * settings they were cut with (target, excluded columns, ratios, stratification, seed,
 * de-duplication). The same content posted again is the same version: nothing is written and
 * nothing is published. Versions are allocated under a per-pipeline advisory lock, so concurrent
 * uploads of one pipeline number their versions 1, 2, 3 without gaps or clashes.
 */
@ApplicationScoped
public class DatasetService {

  private static final Logger LOG = Logger.getLogger(DatasetService.class);

  /** Seconds one ingestion may hold its transaction (upload of the splits included). */
  static final int TRANSACTION_TIMEOUT_SECONDS = 900;

  /** The member of a version's manifest metadata that holds its lineage. */
  public static final String LINEAGE = "lineage";

  /**
   * The member of a challenge-set version's manifest metadata that names its set (training refuses
   * a dataset whose manifest has it).
   */
  public static final String CHALLENGE_SET = "challengeSet";

  /** The outcome: the version, and whether this call created it. */
  public record Ingested(DatasetView dataset, boolean created) {}

  private final PipelineCatalog catalog;
  private final ObjectStore store;
  private final Outbox outbox;
  private final EntityManager entityManager;

  public DatasetService(
      PipelineCatalog catalog, ObjectStore store, Outbox outbox, EntityManager entityManager) {
    this.catalog = catalog;
    this.store = store;
    this.outbox = outbox;
    this.entityManager = entityManager;
  }

  /**
   * Ingests the CSV file {@code csv} (a header row, then data rows) as the next version of {@code
   * pipeline}, or answers the existing version with the same content.
   *
   * @throws ProblemException 404 when the pipeline's spec is unknown here, 400 when the table is
   *     not acceptable (the message names the column), 422 ({@link DatasetRejectedException}) when
   *     its validation report has an error (nothing is written or published then)
   */
  public Ingested ingestCsv(String pipeline, Path csv) {
    return ingestCsv(pipeline, csv, Trigger.DATA);
  }

  /**
   * As {@link #ingestCsv(String, Path)}; a training request for the new version carries {@code
   * trigger} (an ingest request passes its own on).
   */
  public Ingested ingestCsv(String pipeline, Path csv, Trigger trigger) {
    return ingestCsv(pipeline, csv, trigger, Origin.unknown());
  }

  /**
   * As {@link #ingestCsv(String, Path, Trigger)}, recording {@code origin} as the new version's
   * lineage: the attempt gets a new upload id (a UUID) and, when {@code origin} carries the raw
   * upload, it is kept under {@code raw/{pipeline}/{uploadId}/} once the version is created (not
   * for an existing version, not for a rejected table).
   */
  public Ingested ingestCsv(String pipeline, Path csv, Trigger trigger, Origin origin) {
    return ingestCsv(pipeline, csv, trigger, origin, null);
  }

  /**
   * As {@link #ingestCsv(String, Path, Trigger, Origin)}; with a {@code challengeSet} name, the
   * table becomes a version of that challenge set: every row must be labeled, all of them go to the
   * test split, the version requests no training (training refuses it), and its schema is compared
   * with the latest training version's. Challenge sets share the pipeline's version numbers; the
   * same table under another set name is another version.
   *
   * @throws ProblemException 400 also when {@code challengeSet} is not a valid name, or a challenge
   *     set has a row without a label
   */
  public Ingested ingestCsv(
      String pipeline, Path csv, Trigger trigger, Origin origin, String challengeSet) {
    Objects.requireNonNull(origin, "origin");
    if (challengeSet != null) {
      try {
        ChallengeSets.require(challengeSet);
      } catch (IllegalArgumentException e) {
        throw ProblemException.badRequest(e.getMessage());
      }
    }
    PipelineSpec spec = catalog.require(pipeline).spec();
    SplitConfig config = challengeSet == null ? splitConfig(spec) : challengeSetConfig(spec);
    String contentHash = contentHash(csv, config, challengeSet);
    Optional<DatasetVersion> known =
        QuarkusTransaction.requiringNew()
            .call(() -> DatasetVersion.byContent(pipeline, contentHash));
    if (known.isPresent()) {
      return new Ingested(view(known.get()), false);
    }
    String uploadId = UUID.randomUUID().toString();
    try (WorkDir work = WorkDir.create("trainyard-ingest-")) {
      IngestResult result = split(csv, config, work.path());
      if (challengeSet != null) {
        requireAllLabeled(challengeSet, result);
      }
      requireTaskFits(spec, result, challengeSet != null);
      DatasetProfile profile = profile(result); // before the transaction and the lock
      // Training versions and challenge sets alike are compared with the latest training version.
      int previous =
          QuarkusTransaction.requiringNew()
              .call(() -> DatasetVersion.latestTrainingVersion(pipeline));
      SchemaDiff diff = diffAgainst(pipeline, previous, profile);
      ValidationReport validation = validate(spec, result, profile, diff);
      return QuarkusTransaction.requiringNew()
          .timeout(TRANSACTION_TIMEOUT_SECONDS)
          .call(
              () ->
                  publish(
                      spec,
                      contentHash,
                      result,
                      profile,
                      previous,
                      validation,
                      trigger,
                      origin,
                      uploadId,
                      challengeSet));
    }
  }

  /**
   * The versions of {@code pipeline}, oldest first: those of the challenge set {@code challengeSet}
   * when it is given, else the training versions only when {@code challengeSets} is false, else
   * all.
   */
  public List<DatasetView> list(String pipeline, String challengeSet, boolean challengeSets) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                (challengeSet != null
                        ? DatasetVersion.ofChallengeSet(pipeline, challengeSet)
                        : challengeSets
                            ? DatasetVersion.ofPipeline(pipeline)
                            : DatasetVersion.trainingVersions(pipeline))
                    .stream().map(DatasetService::view).toList());
  }

  /** The latest training version (not a challenge set) of {@code pipeline}; empty when none. */
  public Optional<DatasetView> latest(String pipeline) {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                DatasetVersion.byVersion(pipeline, DatasetVersion.latestTrainingVersion(pipeline))
                    .map(DatasetService::view));
  }

  /** One version of {@code pipeline}. */
  public Optional<DatasetView> find(String pipeline, int version) {
    return QuarkusTransaction.requiringNew()
        .call(() -> DatasetVersion.byVersion(pipeline, version).map(DatasetService::view));
  }

  /**
   * The bytes of one version's {@code profile.json}, verified against its manifest; empty when the
   * version is unknown or has no profile (written before profiles existed).
   */
  public Optional<byte[]> profile(String pipeline, int version) {
    if (find(pipeline, version).isEmpty()) {
      return Optional.empty();
    }
    Optional<Manifest> manifest = store.manifest(Layout.dataset(pipeline, version));
    if (manifest.isEmpty() || manifest.get().object(DatasetProfile.FILE_NAME).isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(store.readAllBytes(manifest.get(), DatasetProfile.FILE_NAME));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the profile of dataset v" + version + " of " + pipeline, e);
    }
  }

  /**
   * The bytes of one version's {@code validation.json}, verified against its manifest; empty when
   * the version is unknown or has no report (ingested before validation reports existed).
   */
  public Optional<byte[]> validation(String pipeline, int version) {
    if (find(pipeline, version).isEmpty()) {
      return Optional.empty();
    }
    Optional<Manifest> manifest = store.manifest(Layout.dataset(pipeline, version));
    if (manifest.isEmpty() || manifest.get().object(ValidationReport.FILE_NAME).isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(store.readAllBytes(manifest.get(), ValidationReport.FILE_NAME));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the validation report of dataset v" + version + " of " + pipeline, e);
    }
  }

  /**
   * How the schema and profile of {@code version} differ from those of an earlier version ({@code
   * against}; null: the pipeline's version before it).
   *
   * @throws ProblemException 404 when a version is unknown, has no profile (ingested before
   *     profiles existed), or {@code version} has no earlier version to compare with
   */
  public SchemaDiff diff(String pipeline, int version, Integer against) {
    requireVersion(pipeline, version);
    int from;
    if (against != null) {
      from = against;
      requireVersion(pipeline, from);
    } else {
      from =
          QuarkusTransaction.requiringNew()
              .call(() -> DatasetVersion.previousVersion(pipeline, version))
              .orElseThrow(
                  () ->
                      ProblemException.notFound(
                          "Dataset version "
                              + version
                              + " of pipeline '"
                              + pipeline
                              + "' is its first: there is no earlier version to compare with"
                              + " (name one with ?against=)"));
    }
    DatasetProfile to = requireProfile(pipeline, version);
    DatasetProfile reference = requireProfile(pipeline, from);
    return SchemaDiff.compare(reference, to).between(from, version);
  }

  private void requireVersion(String pipeline, int version) {
    if (find(pipeline, version).isEmpty()) {
      throw ProblemException.notFound(
          "Pipeline '" + pipeline + "' has no dataset version " + version);
    }
  }

  private DatasetProfile requireProfile(String pipeline, int version) {
    return readProfile(pipeline, version)
        .orElseThrow(
            () ->
                ProblemException.notFound(
                    "Dataset version "
                        + version
                        + " of pipeline '"
                        + pipeline
                        + "' has no profile (it was ingested before profiles existed)"));
  }

  /** The parsed profile of a committed version; empty when it has none (or no manifest). */
  private Optional<DatasetProfile> readProfile(String pipeline, int version) {
    Optional<Manifest> manifest = store.manifest(Layout.dataset(pipeline, version));
    if (manifest.isEmpty()) {
      return Optional.empty();
    }
    try {
      return DatasetVersions.readProfile(store, manifest.get());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read the profile of dataset v" + version + " of " + pipeline, e);
    }
  }

  /**
   * The diff of a new version's {@code profile} against version {@code previous} of the pipeline;
   * null when there is none (0: a first version) or it has no profile.
   */
  private SchemaDiff diffAgainst(String pipeline, int previous, DatasetProfile profile) {
    if (previous <= 0) {
      return null;
    }
    return readProfile(pipeline, previous)
        .map(reference -> SchemaDiff.compare(reference, profile).between(previous, null))
        .orElse(null);
  }

  /**
   * Validates the split table (with the spec's declared columns and the schema diff against the
   * previous version); a report with an error rejects the upload (422 with the report), logged with
   * the full report, before anything is written.
   */
  private static ValidationReport validate(
      PipelineSpec spec, IngestResult result, DatasetProfile profile, SchemaDiff diff) {
    ValidationReport report;
    try {
      report = Validator.validate(result, profile, spec, diff);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return requirePassed(spec, report);
  }

  private static ValidationReport requirePassed(PipelineSpec spec, ValidationReport report) {
    if (!report.passed()) {
      LOG.warnf(
          "%s: upload rejected by validation (%d errors, %d warnings): %s",
          spec.name(),
          report.errors(),
          report.warnings(),
          new String(report.toJson(), StandardCharsets.UTF_8).replaceAll("\\s*\n\\s*", " "));
      throw new DatasetRejectedException(spec.name(), report);
    }
    return report;
  }

  private Ingested publish(
      PipelineSpec spec,
      String contentHash,
      IngestResult result,
      DatasetProfile profile,
      int previous,
      ValidationReport validation,
      Trigger trigger,
      Origin origin,
      String uploadId,
      String challengeSet) {
    String pipeline = spec.name();
    lockPipeline(pipeline);
    Optional<DatasetVersion> raced = DatasetVersion.byContent(pipeline, contentHash);
    if (raced.isPresent()) {
      return new Ingested(view(raced.get()), false);
    }
    int latestTraining = DatasetVersion.latestTrainingVersion(pipeline);
    if (latestTraining != previous) {
      // Another upload committed a version since this one was validated: compare with it.
      validation = rediff(spec, validation, diffAgainst(pipeline, latestTraining, profile));
    }
    int version = DatasetVersion.latestVersion(pipeline) + 1;
    ObjectKey rawKey =
        origin.raw() == null ? null : Layout.raw(pipeline, uploadId).resolve(origin.rawName());
    DatasetView.Lineage lineage =
        new DatasetView.Lineage(
            origin.source(),
            origin.contentType(),
            uploadId,
            origin.parentVersion(),
            rawKey == null ? null : store.uri(rawKey));
    Manifest manifest;
    while (true) {
      if (validation.schemaDiff() != null) {
        SchemaDiff diff = validation.schemaDiff();
        validation = validation.withSchemaDiff(diff.between(diff.from(), version));
      }
      Optional<Manifest> written =
          write(pipeline, version, contentHash, result, profile, validation, lineage, challengeSet);
      if (written.isPresent()) {
        manifest = written.get();
        break;
      }
      version++; // the prefix holds other content (left by a failed attempt): skip it
    }
    if (rawKey != null) {
      writeRaw(pipeline, version, contentHash, uploadId, origin);
    }
    Instant now = Instant.now();
    Map<String, DatasetView.SplitRows> splits = new LinkedHashMap<>();
    Map<String, DatasetIngested.Split> eventSplits = new LinkedHashMap<>();
    for (SplitFile split : result.splits()) {
      splits.put(split.name(), new DatasetView.SplitRows(split.rows()));
      eventSplits.put(split.name(), new DatasetIngested.Split(split.rows()));
    }
    List<DatasetView.ColumnView> schema =
        result.schema().stream().map(c -> new DatasetView.ColumnView(c.name(), c.type())).toList();
    String manifestUri = store.manifestUri(manifest.location());
    String profileUri =
        manifest
            .object(DatasetProfile.FILE_NAME)
            .map(entry -> store.uri(entry.objectKey()))
            .orElse(null);
    String validationUri =
        manifest
            .object(ValidationReport.FILE_NAME)
            .map(entry -> store.uri(entry.objectKey()))
            .orElse(null);
    DatasetView view =
        new DatasetView(
            pipeline,
            version,
            contentHash,
            manifestUri,
            profileUri,
            validationUri,
            validationUri == null
                ? null
                : new DatasetView.ValidationSummary(
                    validation.passed(), validation.errors(), validation.warnings()),
            splits,
            schema,
            result.target(),
            result.features(),
            result.inputRows(),
            result.duplicatesDropped(),
            now,
            lineage,
            challengeSet,
            null);
    DatasetVersion row = new DatasetVersion();
    row.pipeline = pipeline;
    row.version = version;
    row.contentHash = contentHash;
    row.manifestUri = manifestUri;
    row.descriptionJson = Json.write(view); // files are derived when read
    view = view.withFiles();
    row.createdAt = now;
    row.challengeSet = challengeSet;
    row.persist();

    DatasetIngested ingested =
        new DatasetIngested(
            pipeline,
            version,
            contentHash,
            manifestUri,
            eventSplits,
            result.schema().stream()
                .map(c -> new DatasetIngested.Column(c.name(), c.type()))
                .toList(),
            profileUri,
            challengeSet);
    OutboxEvent announced = outbox.publish(Topic.DATASETS_INGESTED, ingested, pipeline, version);
    if (spec.training().auto() && !ingested.hasUnlabeledRows() && !ingested.inChallengeSet()) {
      String runId = runId(pipeline, version, trigger);
      // A child of the announcement: one correlation id follows the version to its champion.
      outbox.publishChildOf(
          announced.envelope(),
          Topic.TRAINING_REQUESTED,
          new TrainingRequested(
              runId,
              pipeline,
              version,
              trigger,
              "dataset version " + version + " was ingested (training.auto)",
              null),
          runId);
    }
    LOG.infof(
        "%s: dataset v%d ingested (%d rows, %s)%s",
        pipeline,
        version,
        result.inputRows(),
        splits,
        challengeSet == null ? "" : " as challenge set '" + challengeSet + "'");
    return new Ingested(view, true);
  }

  /**
   * {@code validation} with its schema anomalies and diff replaced by those of {@code diff}; a
   * rejection when it no longer passes.
   */
  private static ValidationReport rediff(
      PipelineSpec spec, ValidationReport validation, SchemaDiff diff) {
    List<ValidationReport.Anomaly> anomalies = new java.util.ArrayList<>();
    validation.anomalies().stream()
        .filter(a -> !Validator.SCHEMA_CODES.contains(a.code()))
        .forEach(anomalies::add);
    anomalies.addAll(Validator.schemaChanges(diff, spec.ingestion().allowBreakingChanges()));
    return requirePassed(spec, ValidationReport.of(anomalies, diff));
  }

  /** The run id of the data-triggered run of a version: one version, one automatic run. */
  static String runId(String pipeline, int version) {
    return runId(pipeline, version, Trigger.DATA);
  }

  /** The run id of the automatic run of a version, requested with {@code trigger}. */
  static String runId(String pipeline, int version, Trigger trigger) {
    return EventIds.of(Topic.TRAINING_REQUESTED, pipeline, version, trigger.wire());
  }

  /**
   * Writes the splits under {@code datasets/{pipeline}/v{version}/}; empty when that prefix is
   * already committed with other content.
   */
  private Optional<Manifest> write(
      String pipeline,
      int version,
      String contentHash,
      IngestResult result,
      DatasetProfile profile,
      ValidationReport validation,
      DatasetView.Lineage lineage,
      String challengeSet) {
    Prefix prefix = Layout.dataset(pipeline, version);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put(LINEAGE, lineageMap(lineage));
    if (challengeSet != null) {
      metadata.put(CHALLENGE_SET, challengeSet);
    }
    // The lineage goes into the manifest metadata's "lineage" member (DatasetMetadata.from
    // ignores it; readers that want it read the member).
    try {
      return Optional.of(
          DatasetVersions.write(
              store, pipeline, version, contentHash, result, profile, validation, metadata));
    } catch (ManifestConflictException e) {
      Manifest existing = e.existing();
      JsonNode hash = existing == null ? null : existing.metadata().get("contentHash");
      if (hash != null && hash.asText().equals(contentHash)) {
        return Optional.of(existing); // an earlier attempt wrote it and then failed to record it
      }
      LOG.warnf("%s is committed with other content; allocating the next version", prefix);
      return Optional.empty();
    }
  }

  /** The lineage as manifest metadata: its non-null members. */
  private static Map<String, Object> lineageMap(DatasetView.Lineage lineage) {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("source", lineage.source());
    if (lineage.contentType() != null) {
      map.put("contentType", lineage.contentType());
    }
    map.put("uploadId", lineage.uploadId());
    if (lineage.parentVersion() != null) {
      map.put("parentVersion", lineage.parentVersion());
    }
    if (lineage.rawUri() != null) {
      map.put("rawUri", lineage.rawUri());
    }
    return map;
  }

  /**
   * Keeps the uploaded table under {@code raw/{pipeline}/{uploadId}/} (a staged write with a
   * manifest whose metadata names the version it became).
   */
  private void writeRaw(
      String pipeline, int version, String contentHash, String uploadId, Origin origin) {
    try (StagedWrite staged = store.stage(Layout.raw(pipeline, uploadId))) {
      staged.put(origin.rawName(), origin.raw(), origin.rawContentType());
      Map<String, Object> metadata = new LinkedHashMap<>();
      metadata.put("kind", "raw-upload");
      metadata.put("pipeline", pipeline);
      metadata.put("uploadId", uploadId);
      metadata.put("version", version);
      metadata.put("contentHash", contentHash);
      metadata.put("source", origin.source());
      if (origin.contentType() != null) {
        metadata.put("contentType", origin.contentType());
      }
      staged.commit(metadata);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot keep the upload " + uploadId + " of " + pipeline + " under raw/", e);
    }
  }

  private void lockPipeline(String pipeline) {
    entityManager
        .createNativeQuery("select pg_advisory_xact_lock(hashtext(?1))")
        .setParameter(1, "ingestion:" + pipeline)
        .getSingleResult();
  }

  private static IngestResult split(Path csv, SplitConfig config, Path work) {
    try {
      return CsvSplitter.split(csv, config, work);
    } catch (DatasetValidationException e) {
      throw invalid(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The 400 problem of a table that breaks a rule, naming the column when there is one. */
  static ProblemException invalid(DatasetValidationException e) {
    return ProblemException.validation(
        e.getMessage(),
        List.of(
            new Problem.FieldError(
                e.column() == null ? "body" : e.column(), null, e.getMessage())));
  }

  private static DatasetProfile profile(IngestResult result) {
    try {
      return Profiler.profile(result.splits());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A challenge set is scored, so each of its rows needs a label. */
  private static void requireAllLabeled(String challengeSet, IngestResult result) {
    long unlabeled =
        result.splits().stream()
            .filter(split -> split.name().equals(DatasetIngested.UNLABELED))
            .mapToLong(SplitFile::rows)
            .sum();
    if (unlabeled > 0) {
      String detail =
          "challenge set '"
              + challengeSet
              + "': "
              + unlabeled
              + " rows have no value in column '"
              + result.target()
              + "' (the target); every row of a challenge set needs a label";
      throw ProblemException.validation(
          detail, List.of(new Problem.FieldError(result.target(), null, detail)));
    }
  }

  /**
   * A binary-classification table has exactly 2 target values; a challenge set (which may hold hard
   * cases of one class only) 1 or 2.
   */
  private static void requireTaskFits(
      PipelineSpec spec, IngestResult result, boolean challengeSet) {
    int values = result.targetValues().size();
    boolean fits = values == 2 || (challengeSet && values == 1);
    if (spec.task() == Task.BINARY_CLASSIFICATION && !fits) {
      String detail =
          "column '"
              + result.target()
              + "' (the target) must have "
              + (challengeSet ? "at most" : "exactly")
              + " 2 values for binary classification, but has "
              + values
              + ": "
              + abbreviate(result.targetValues());
      throw ProblemException.validation(
          detail, List.of(new Problem.FieldError(result.target(), null, detail)));
    }
  }

  private static String abbreviate(List<String> values) {
    return values.size() <= 10
        ? values.toString()
        : values.subList(0, 10) + " and " + (values.size() - 10) + " more";
  }

  static SplitConfig splitConfig(PipelineSpec spec) {
    PipelineSpec.Ingestion ingestion = spec.ingestion();
    PipelineSpec.Split ratios = ingestion.split();
    return new SplitConfig(
        spec.target(),
        spec.features().exclude(),
        new SplitRatios(ratios.train(), ratios.validation(), ratios.test()),
        ingestion.stratify(),
        ingestion.seed(),
        ingestion.dedupe(),
        ingestion.groupBy(),
        cleaning(ingestion));
  }

  /**
   * How a challenge set is cut: the spec's settings (cleaning, de-duplication, seed) with every
   * labeled row in the test split, unstratified and ungrouped.
   */
  static SplitConfig challengeSetConfig(PipelineSpec spec) {
    SplitConfig config = splitConfig(spec);
    return new SplitConfig(
        config.target(),
        config.exclude(),
        SplitRatios.ALL_TEST,
        false,
        config.seed(),
        config.dedupe(),
        null,
        config.cleaning());
  }

  /** The spec's missing-value and category settings, as the splitter takes them. */
  static Cleaning cleaning(PipelineSpec.Ingestion ingestion) {
    PipelineSpec.Missing missing = ingestion.missing();
    PipelineSpec.Categories categories = ingestion.categories();
    return new Cleaning(
        missing.numeric(),
        missing.numericValue(),
        missing.categorical(),
        categories.trim(),
        categories.foldCase());
  }

  /** SHA-256 over the split settings (canonical JSON) and the input bytes. */
  static String contentHash(Path csv, SplitConfig config) {
    return contentHash(csv, config, null);
  }

  /**
   * SHA-256 over the split settings (canonical JSON), the challenge-set name when there is one, and
   * the input bytes.
   */
  static String contentHash(Path csv, SplitConfig config, String challengeSet) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update("trainyard.dataset.v2\n".getBytes(StandardCharsets.UTF_8));
      if (challengeSet != null) {
        digest.update(("challengeSet " + challengeSet + "\n").getBytes(StandardCharsets.UTF_8));
      }
      digest.update(Json.canonical(Json.toTree(config)).getBytes(StandardCharsets.UTF_8));
      digest.update((byte) '\n');
      try (InputStream in = new DigestInputStream(Files.newInputStream(csv), digest)) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static DatasetView view(DatasetVersion row) {
    return Json.convert(Json.readTree(row.descriptionJson), DatasetView.class).withFiles();
  }

  /**
   * The committed manifest of one version holding the Parquet file of {@code split}; empty when the
   * version is unknown or has no such split.
   */
  public Optional<Manifest> splitFile(String pipeline, int version, String split) {
    Optional<DatasetView> view = find(pipeline, version);
    if (view.isEmpty() || view.get().splits() == null || !view.get().splits().containsKey(split)) {
      return Optional.empty();
    }
    return store
        .manifest(Layout.dataset(pipeline, version))
        .filter(m -> m.object(DatasetVersions.fileName(split)).isPresent());
  }

  /** Opens a verified stream of an object of a committed version. */
  public InputStream open(Manifest manifest, String name) throws IOException {
    return store.open(manifest, name);
  }
}
