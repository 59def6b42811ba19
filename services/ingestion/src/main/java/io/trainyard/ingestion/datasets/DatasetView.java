package io.trainyard.ingestion.datasets;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the datasets API answers for one version.
 *
 * @param pipeline the pipeline
 * @param version the version, counting up per pipeline from 1
 * @param contentHash SHA-256 of the input and of the split settings it was cut with: the same
 *     content posted again is the same version
 * @param manifestUri {@code s3://bucket/datasets/{pipeline}/v{version}/manifest.json}
 * @param profileUri {@code s3://bucket/datasets/{pipeline}/v{version}/profile.json}, the per-column
 *     profile (also at {@code GET .../datasets/{version}/profile}); null for a version ingested
 *     before profiles existed
 * @param validationUri {@code s3://bucket/datasets/{pipeline}/v{version}/validation.json}, the
 *     validation report (also at {@code GET .../datasets/{version}/validation}); null for a version
 *     ingested before validation reports existed
 * @param validation the report's summary; null when there is no report
 * @param splits rows per split
 * @param schema the input columns, in order, with their logical types
 * @param target the target column
 * @param features the feature columns
 * @param inputRows data rows in the input
 * @param duplicatesDropped exact duplicate rows dropped
 * @param createdAt when the version was published
 * @param lineage where the version's table came from; null for a version ingested before lineage
 *     was recorded
 * @param challengeSet the challenge set this version belongs to (all its rows in the test split;
 *     evaluation scores models on it, training never reads it); null for a training version
 * @param files per split present, the API path that downloads its Parquet file ({@code
 *     /api/v1/pipelines/{pipeline}/datasets/{version}/files/{split}}); derived when read, not
 *     stored
 */
public record DatasetView(
    String pipeline,
    int version,
    String contentHash,
    String manifestUri,
    String profileUri,
    String validationUri,
    ValidationSummary validation,
    Map<String, SplitRows> splits,
    List<ColumnView> schema,
    String target,
    List<String> features,
    long inputRows,
    long duplicatesDropped,
    Instant createdAt,
    Lineage lineage,
    String challengeSet,
    Map<String, String> files) {

  /**
   * A version's lineage.
   *
   * @param source {@code upload} (an HTTP upload), the {@code s3://bucket/key} of the object an
   *     ingest request or S3 drop named, or {@code inline rows} (an ingest request's rows)
   * @param contentType the upload's {@code Content-Type} as sent; null for other sources
   * @param uploadId a UUID, new for each accepted ingestion attempt
   * @param parentVersion the version the table derives from, as an ingest request named it; null
   *     when none was named
   * @param rawUri {@code s3://bucket/raw/{pipeline}/{uploadId}/upload.{csv|jsonl|parquet}}: the
   *     uploaded table as received (after gzip decoding), kept for uploads only; null otherwise
   */
  public record Lineage(
      String source, String contentType, String uploadId, Integer parentVersion, String rawUri) {}

  /** This view with {@link #files} listing a download link per split. */
  public DatasetView withFiles() {
    Map<String, String> links = new java.util.LinkedHashMap<>();
    if (splits != null) {
      for (String split : splits.keySet()) {
        links.put(
            split, "/api/v1/pipelines/" + pipeline + "/datasets/" + version + "/files/" + split);
      }
    }
    return new DatasetView(
        pipeline,
        version,
        contentHash,
        manifestUri,
        profileUri,
        validationUri,
        validation,
        splits,
        schema,
        target,
        features,
        inputRows,
        duplicatesDropped,
        createdAt,
        lineage,
        challengeSet,
        links);
  }

  /**
   * The summary of a version's validation report.
   *
   * @param passed no anomaly is an error (always true for a published version)
   * @param errors error anomalies
   * @param warnings warning anomalies
   */
  public record ValidationSummary(boolean passed, int errors, int warnings) {}

  /** Rows of one split. */
  public record SplitRows(long rows) {}

  /** One column. */
  public record ColumnView(String name, String type) {}
}
