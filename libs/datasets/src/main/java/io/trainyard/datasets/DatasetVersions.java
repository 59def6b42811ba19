package io.trainyard.datasets;

import io.trainyard.objectstore.Layout;
import io.trainyard.objectstore.Manifest;
import io.trainyard.objectstore.ManifestConflictException;
import io.trainyard.objectstore.ObjectStore;
import io.trainyard.objectstore.StagedWrite;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Dataset versions in the object store: {@code datasets/{pipeline}/v{n}/} holds one Parquet file
 * per split ({@code train.parquet}, ...), the column profile {@code profile.json} (a {@link
 * DatasetProfile}, see {@link Profiler}), the validation report {@code validation.json} (a {@link
 * ValidationReport}, see {@link Validator}; versions written by ingestion only) and {@code
 * manifest.json}, whose metadata is a {@link DatasetMetadata}. Ingestion writes versions; every
 * other reader goes through the manifest. Versions written before profiles existed have no {@code
 * profile.json}.
 */
public final class DatasetVersions {

  /** The media type of the split files. */
  public static final String PARQUET = "application/vnd.apache.parquet";

  private DatasetVersions() {}

  /**
   * Writes the splits of {@code result} and their profile (computed here from the split files) as
   * version {@code version} of {@code pipeline}: a staged write committed by its manifest, so
   * readers see all of it or nothing.
   *
   * @throws ManifestConflictException when that version is already committed with other content
   * @throws UncheckedIOException when the splits cannot be profiled or written
   */
  public static Manifest write(
      ObjectStore store, String pipeline, int version, String contentHash, IngestResult result) {
    DatasetProfile profile;
    try {
      profile = Profiler.profile(result.splits());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot profile dataset v" + version + " of " + pipeline, e);
    }
    return write(store, pipeline, version, contentHash, result, profile);
  }

  /**
   * Writes the splits of {@code result} and {@code profile} (as {@value DatasetProfile#FILE_NAME})
   * as version {@code version} of {@code pipeline}: a staged write committed by its manifest, so
   * readers see all of it or nothing. Callers that hold a lock while writing profile first, with
   * {@link Profiler#profile}.
   *
   * @throws ManifestConflictException when that version is already committed with other content
   */
  public static Manifest write(
      ObjectStore store,
      String pipeline,
      int version,
      String contentHash,
      IngestResult result,
      DatasetProfile profile) {
    return write(store, pipeline, version, contentHash, result, profile, null);
  }

  /**
   * Writes the splits of {@code result}, {@code profile} (as {@value DatasetProfile#FILE_NAME})
   * and, when not null, {@code validation} (as {@value ValidationReport#FILE_NAME}, see {@link
   * Validator}) as version {@code version} of {@code pipeline}: a staged write committed by its
   * manifest, so readers see all of it or nothing.
   *
   * @throws ManifestConflictException when that version is already committed with other content
   */
  public static Manifest write(
      ObjectStore store,
      String pipeline,
      int version,
      String contentHash,
      IngestResult result,
      DatasetProfile profile,
      ValidationReport validation) {
    return write(store, pipeline, version, contentHash, result, profile, validation, Map.of());
  }

  /**
   * As {@link #write(ObjectStore, String, int, String, IngestResult, DatasetProfile,
   * ValidationReport)}, with {@code extraMetadata} added to the manifest's metadata next to the
   * {@link DatasetMetadata} members (ingestion adds the version's lineage); {@link
   * DatasetMetadata#from} ignores members it does not know.
   */
  public static Manifest write(
      ObjectStore store,
      String pipeline,
      int version,
      String contentHash,
      IngestResult result,
      DatasetProfile profile,
      ValidationReport validation,
      Map<String, ?> extraMetadata) {
    Objects.requireNonNull(profile, "profile");
    try (StagedWrite staged = store.stage(Layout.dataset(pipeline, version))) {
      for (SplitFile split : result.splits()) {
        staged.put(fileName(split.name()), split.file(), PARQUET);
      }
      staged.put(DatasetProfile.FILE_NAME, profile.toJson(), DatasetProfile.CONTENT_TYPE);
      if (validation != null) {
        staged.put(ValidationReport.FILE_NAME, validation.toJson(), ValidationReport.CONTENT_TYPE);
      }
      Map<String, Object> metadata =
          new java.util.LinkedHashMap<>(
              DatasetMetadata.of(pipeline, version, contentHash, result).toMap());
      extraMetadata.forEach(metadata::put);
      return staged.commit(metadata);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write dataset v" + version + " of " + pipeline, e);
    }
  }

  /**
   * Reads the profile of a committed version (verified against the manifest's hash); empty for a
   * version written before profiles existed.
   *
   * @throws IOException when the object cannot be read or is not a profile
   */
  public static Optional<DatasetProfile> readProfile(ObjectStore store, Manifest version)
      throws IOException {
    if (version.object(DatasetProfile.FILE_NAME).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        DatasetProfile.fromJson(store.readAllBytes(version, DatasetProfile.FILE_NAME)));
  }

  /**
   * Reads the validation report of a committed version (verified against the manifest's hash);
   * empty for a version written without one.
   *
   * @throws IOException when the object cannot be read or is not a validation report
   */
  public static Optional<ValidationReport> readValidation(ObjectStore store, Manifest version)
      throws IOException {
    if (version.object(ValidationReport.FILE_NAME).isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        ValidationReport.fromJson(store.readAllBytes(version, ValidationReport.FILE_NAME)));
  }

  /** The file name of a split: {@code train.parquet}. */
  public static String fileName(String split) {
    return split + ".parquet";
  }

  /**
   * Downloads one split of a committed version into {@code dir} (verified against the manifest's
   * hash) and reads its features and target: the {@linkplain DatasetMetadata#numericFeatures
   * numeric features} into {@link NumericTable#x()}, the {@linkplain
   * DatasetMetadata#categoricalFeatures categorical ones} into {@link NumericTable#text()}.
   *
   * @throws IllegalArgumentException when the version has no such split
   */
  public static NumericTable readSplit(ObjectStore store, Manifest version, String split, Path dir)
      throws IOException {
    String name = fileName(split);
    if (version.objects().stream().noneMatch(e -> e.name().equals(name))) {
      throw new IllegalArgumentException(
          "dataset " + version.prefix() + " has no " + split + " split");
    }
    DatasetMetadata metadata = DatasetMetadata.from(version.metadata());
    return ParquetTables.read(
        store.download(version, name, dir),
        metadata.numericFeatures(),
        metadata.categoricalFeatures(),
        metadata.target());
  }
}
